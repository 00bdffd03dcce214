import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Checkbox, Grid, Group, Kbd, Paper, RingProgress, Stack, Text, Textarea, Title } from '@mantine/core';
import { AgentResponse, DisputeNote, ResolveDispute } from './Dispute';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { hasRole, useUser } from '../auth/session';
import { ActionError, DetailLoading, LoadError } from '../lib/LoadStates';
import { formatDateTime } from '../lib/time';
import { Interaction } from './Interaction';
import { ScorecardForm } from './ScorecardForm';
import { ReassignDialog } from './ReassignDialog';
import { BAND_COLOR, BAND_LABEL, STATE_COLOR, STATE_LABEL, percentText, useScorecard, useScorecardAction, useScorecardSync, type GivenAnswer, type GivenAnswers, type ScorecardDetail } from './data';

/** The total as a ring in the band's colour, with the band named. */
function ScoreRing({ card }: { card: ScorecardDetail }) {
  const color = card.band ? BAND_COLOR[card.band] : 'gray';
  const open = card.state === 'assigned' || card.state === 'in-progress';
  return (
    <Group gap="xs" aria-label={`Score ${percentText(card.percent)}${card.band ? `, ${BAND_LABEL[card.band]}` : ''}`}>
      <RingProgress size={84} thickness={8} roundCaps sections={[{ value: card.percent ?? 0, color }]} label={<Text ta="center" fw={700} size="sm">{percentText(card.percent)}</Text>} />
      <Stack gap={2}>
        {card.band && <Badge color={color} variant={open ? 'light' : 'filled'}>{BAND_LABEL[card.band]}</Badge>}
        {open && card.percent !== null && (
          <Text size="xs" c="dimmed">
            {card.unanswered.length ? `so far (${card.unanswered.length} to answer)` : 'not finished yet'}
          </Text>
        )}
        {card.criticalQuestions.length > 0 && (
          <Text size="xs" c="red">
            A critical question failed
          </Text>
        )}
      </Stack>
    </Group>
  );
}

/** What the evaluator does: every pick saved at once; finish when all is answered. */
function EvaluatorActions({ card, act }: { card: ScorecardDetail; act: ReturnType<typeof useScorecardAction> }) {
  const [ack, setAck] = useState(card.needsAcknowledgement);
  const [comment, setComment] = useState(card.comment ?? '');
  const finish = () => act.mutate({ path: 'finish', method: 'POST', body: { comment: comment.trim(), acknowledge: ack } });
  return (
    <Paper withBorder p="md">
      <Textarea
        label="Overall feedback"
        description="What went well, what to work on: the agent reads this."
        autosize
        minRows={2}
        maxLength={4000}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
        onBlur={() => comment.trim() !== (card.comment ?? '') && act.mutate({ path: 'answers', method: 'PUT', body: { answers: {}, comment: comment.trim() } })}
        onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && finish()}
      />
      <Checkbox mt="sm" label={`Ask ${card.agent.name} to acknowledge it`} checked={ack} onChange={(e) => setAck(e.currentTarget.checked)} />
      <Group justify="space-between" mt="sm">
        <Text size="xs" c="dimmed" aria-live="polite">
          {act.isPending ? 'Saving…' : card.unanswered.length ? `${card.unanswered.length} question(s) to answer · saved as you go` : 'All answered · saved'}
        </Text>
        <Button onClick={finish} loading={act.isPending && act.variables?.path === 'finish'} rightSection={<Kbd size="xs">Ctrl+Enter</Kbd>}>
          Finish scorecard
        </Button>
      </Group>
      <ActionError error={act.error} title={act.variables?.path === 'finish' ? 'Not finished' : 'Not saved'} />
    </Paper>
  );
}

export function ScorecardPage() {
  const { id = '' } = useParams();
  const me = useUser();
  useScorecardSync();
  const card = useScorecard(id);
  const act = useScorecardAction(id);
  const [reassigning, setReassigning] = useState(false);
  const [revised, setRevised] = useState<GivenAnswers>({});
  if (card.isPending) return <DetailLoading label="Loading the scorecard" />;
  if (card.isError) return <LoadError error={card.error} what="scorecard" gone="It was withdrawn, or it is not yours to see." onRetry={() => void card.refetch()} />;
  const c = card.data;
  const open = c.state === 'assigned' || c.state === 'in-progress';
  const scoring = c.evaluator.id === me.id && open;
  const failed = act.error instanceof ApiError ? act.error.errors.map((e) => e.pointer.split('/')[2] ?? '') : [];
  const invalid = new Set(failed);
  // A dispute is decided by an administrator or a supervisor other than the agent and the evaluator; their changes stay here until sent.
  const deciding = c.state === 'disputed' && hasRole(me, 'supervisor', 'admin') && me.id !== c.agent.id && me.id !== c.evaluator.id;
  const onAnswer = (q: string, a: GivenAnswer) =>
    deciding ? setRevised((r) => ({ ...r, [q]: a })) : act.mutate({ path: 'answers', method: 'PUT', body: { answers: { [q]: a } } });
  return (
    <Stack gap="md">
      {reassigning && <ReassignDialog card={c} onClose={() => setReassigning(false)} />}
      <Anchor component={Link} to="/quality" size="sm">
        ← Quality
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>
            {c.questionnaire.name}: {c.task.title}
          </Title>
          <Text size="sm" c="dimmed">
            {c.agent.name} evaluated by {c.evaluator.name} · assigned {formatDateTime(c.assignedAt)}
            {c.finishedAt ? ` · finished ${formatDateTime(c.finishedAt)}` : ''}
          </Text>
          <Group gap="xs" mt={6}>
            <Badge color={STATE_COLOR[c.state]}>{STATE_LABEL[c.state]}</Badge>
            {c.calibration && (
              <Anchor component={Link} to={`/quality/calibrations/${c.calibration}`} size="sm">
                Calibration
              </Anchor>
            )}
            {open && hasRole(me, 'supervisor', 'admin') && (
              <Button size="compact-xs" variant="subtle" onClick={() => setReassigning(true)}>
                Reassign…
              </Button>
            )}
          </Group>
        </div>
        <ScoreRing card={c} />
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Interaction taskId={c.task.id} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <DisputeNote card={c} />
            <ScorecardForm card={deciding ? { ...c, answers: { ...c.answers, ...revised } } : c} readOnly={!scoring && !deciding} onAnswer={onAnswer} invalid={invalid} />
            {deciding && <ResolveDispute card={c} revised={revised} onDone={() => setRevised({})} />}
            {scoring && <EvaluatorActions card={c} act={act} />}
            {!scoring && c.comment && (
              <Paper withBorder p="md">
                <Text size="sm" fw={500}>
                  Feedback from {c.evaluator.name}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {c.comment}
                </Text>
              </Paper>
            )}
            {c.state === 'finished' && c.agent.id === me.id && <AgentResponse card={c} />}
            {c.state === 'acknowledged' && (
              <Alert color="gray" title={`Acknowledged by ${c.agent.name} ${formatDateTime(c.acknowledgedAt)}`}>
                {c.agentComment ?? 'No comment.'}
              </Alert>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
