import { useState } from 'react';
import { Alert, Button, Group, Paper, Text, Textarea } from '@mantine/core';
import { ActionError } from '../lib/LoadStates';
import { formatDateTime } from '../lib/time';
import { percentText, useScorecardAction, type GivenAnswers, type ScorecardDetail } from './data';

/** Days after the evaluation an agent may dispute it (the server's rule: core DISPUTE_DAYS). */
const DISPUTE_DAYS = 14;

/** The agent signs the evaluation off, or disputes it once with their reason. */
export function AgentResponse({ card }: { card: ScorecardDetail }) {
  const act = useScorecardAction(card.id);
  const [text, setText] = useState('');
  const [disputing, setDisputing] = useState(false);
  const mayDispute = !card.dispute && !card.calibration && card.finishedAt !== null && Date.now() - Date.parse(card.finishedAt) <= DISPUTE_DAYS * 86_400_000;
  return (
    <Paper withBorder p="md" component="section" aria-label="Your response">
      {card.needsAcknowledgement && !disputing && (
        <Alert color="blue" mb="sm" title="Please acknowledge">
          {card.evaluator.name} asks you to read and acknowledge this evaluation.
        </Alert>
      )}
      <Textarea
        label={disputing ? 'Why you dispute this score' : 'Your comment'}
        description={disputing ? `Once per evaluation, within ${DISPUTE_DAYS} days. A supervisor decides; the score leaves your figures until then.` : undefined}
        placeholder={disputing ? 'Which answers you see differently, and why' : 'Optional: what you take from it, or what you see differently'}
        autosize
        minRows={2}
        maxLength={4000}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
      />
      <Group justify="flex-end" mt="sm">
        {disputing ? (
          <>
            <Button variant="default" onClick={() => setDisputing(false)}>
              Back
            </Button>
            <Button color="orange" disabled={!text.trim()} loading={act.isPending} onClick={() => act.mutate({ path: 'dispute', method: 'POST', body: { reason: text.trim() } })}>
              Send dispute
            </Button>
          </>
        ) : (
          <>
            {mayDispute && (
              <Button variant="default" color="orange" onClick={() => setDisputing(true)}>
                Dispute…
              </Button>
            )}
            <Button onClick={() => act.mutate({ path: 'acknowledge', method: 'POST', body: { comment: text.trim() } })} loading={act.isPending}>
              Acknowledge
            </Button>
          </>
        )}
      </Group>
      <ActionError error={act.error} title={disputing ? 'Not disputed' : 'Not acknowledged'} />
    </Paper>
  );
}

/** The dispute as everyone reads it: the agent's reason, and once decided, the decision. */
export function DisputeNote({ card }: { card: ScorecardDetail }) {
  const d = card.dispute;
  if (!d) return null;
  return (
    <Alert color={d.outcome ? 'gray' : 'orange'} title={`Disputed by ${card.agent.name} ${formatDateTime(d.at)}`} data-testid="dispute">
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {d.reason}
      </Text>
      {d.outcome && (
        <Text size="sm" mt="xs">
          <b>{d.outcome === 'upheld' ? 'Score upheld' : `Score revised: ${percentText(d.percentBefore)} → ${percentText(card.percent)}`}</b> by {d.resolvedBy?.name ?? 'someone'} {formatDateTime(d.resolvedAt)}: {d.comment}
        </Text>
      )}
    </Alert>
  );
}

/**
 * The decision, by a supervisor of the agent or an administrator (not the evaluator): uphold the
 * score, or revise it with the answers changed above (`revised` holds them until sent).
 */
export function ResolveDispute({ card, revised, onDone }: { card: ScorecardDetail; revised: GivenAnswers; onDone: () => void }) {
  const act = useScorecardAction(card.id);
  const [comment, setComment] = useState('');
  const changes = Object.keys(revised).length;
  const send = (outcome: 'upheld' | 'revised') =>
    act.mutate({ path: 'resolve', method: 'POST', body: { outcome, comment: comment.trim(), ...(outcome === 'revised' ? { answers: revised } : {}) } }, { onSuccess: onDone });
  return (
    <Paper withBorder p="md" component="section" aria-label="Decide the dispute">
      <Text size="sm" mb="xs">
        Change answers above to revise the score ({changes ? `${changes} changed` : 'none changed yet'}), or uphold it as it is.
      </Text>
      <Textarea label="Decision, for the agent" autosize minRows={2} maxLength={4000} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
      <Group justify="flex-end" mt="sm">
        <Button variant="default" disabled={!comment.trim() || changes > 0} loading={act.isPending} onClick={() => send('upheld')}>
          Uphold score
        </Button>
        <Button color="orange" disabled={!comment.trim() || changes === 0} loading={act.isPending} onClick={() => send('revised')}>
          Revise score
        </Button>
      </Group>
      <ActionError error={act.error} title="Not decided" />
    </Paper>
  );
}
