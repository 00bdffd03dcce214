import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * `Prefer: return=minimal` (RFC 7240): the client does not need the created resources echoed
 * back, only their ids. A bulk loader of 500 tasks otherwise gets ~750 kB of tasks it already has,
 * and serializing and writing them was an eighth of the server's time on a bulk capture. When the
 * preference is honoured, the answer says so (`Preference-Applied`).
 */
export function prefersMinimal(request: FastifyRequest, reply: FastifyReply): boolean {
  const header = request.headers.prefer;
  const values = Array.isArray(header) ? header.join(',') : (header ?? '');
  const minimal = values.split(',').some((p) => p.split(';')[0]!.trim().toLowerCase().replace(/\s+/g, '') === 'return=minimal');
  if (minimal) reply.header('Preference-Applied', 'return=minimal');
  return minimal;
}
