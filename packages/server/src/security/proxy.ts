import type { FastifyServerOptions } from 'fastify';

/**
 * `WORKLANE_TRUST_PROXY`: behind a TLS-terminating reverse proxy, trust its `X-Forwarded-Proto` /
 * `X-Forwarded-For` so cookies get `Secure` and throttles see the client's address. Unset (the
 * default): trust nothing, since any client could send those headers. `true` (or `1`) trusts every
 * hop; anything else is a comma-separated list of the proxies' addresses or CIDR ranges
 * (`127.0.0.1,10.0.0.0/8`), which is the safest.
 */
export function trustProxyFrom(value: string | undefined): FastifyServerOptions['trustProxy'] {
  const v = value?.trim();
  if (!v || v === '0' || v === 'false') return false;
  if (v === 'true' || v === '1') return true;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
