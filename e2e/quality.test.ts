// Quality management in a real browser: the administrator previews a questionnaire; a supervisor
// picks an agent's completed work from the task list and evaluates it; the agent sees the finished
// scorecard arrive live and acknowledges it; a calibration of the same work (two evaluators) shows
// where they differ, and stays out of the agent's view and figures.
// Screenshots in test-results/quality-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, signIn } from './browser.js';
import { DEMO_KEY, ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');
const ANSWERS = { greeted: { answer: 'Yes' }, understood: { answer: '4' }, verified: { na: true }, correct: { answer: '5' }, 'next-step': { answer: 'Vague' }, friendly: { answer: '4' }, closing: { answer: 'No' } };

describe('quality management in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  const cookies: Record<string, string> = {};
  let taskId = '';

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const auth: Record<string, string> = who === 'key' ? { authorization: `Bearer ${DEMO_KEY}` } : { cookie: cookies[who]! };
    const res = await fetch(server.base + '/api/v1' + path, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return res.status === 204 ? null : res.json();
  };

  beforeAll(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    for (const [who, password] of [['admin', 'admin123'], ['alice', 'alice123'], ['sam', 'sam123']]) {
      const login = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${who}@worklane.local`, password }) });
      cookies[who!] = login.headers.get('set-cookie')!.split(';')[0]!;
    }
    // Alice completes a piece of work.
    const task = await call('key', 'POST', '/tasks', { worktype: 'invoice-dispute', source: 'crm', externalId: 'QA-E2E-1', title: 'Disputed invoice QA-1', attributes: { orderId: 'QA-1', department: 'Finance', segment: 'Gold' } });
    const alice = (await call('alice', 'GET', '/me')).user;
    await call('admin', 'POST', `/tasks/${task.id}/assign`, { agent: alice.id });
    await call('alice', 'POST', `/tasks/${task.id}/complete`, { wrapUpCode: 'processed' });
    taskId = task.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the administrator previews a questionnaire as evaluators will see it, before saving', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(page, server.base, 'admin@worklane.local', 'admin123', /\/supervisor/);
    await page.goto(server.base + '/admin?tab=questionnaires');
    await page.getByRole('button', { name: 'Edit Customer conversation' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit questionnaire conversation' });
    const json = editor.getByLabel('Item (JSON)');
    await json.fill((await json.inputValue()).replace('Friendly and professional tone', 'Warm and professional tone'));
    await editor.getByRole('button', { name: 'Preview' }).click();
    const tone = editor.getByRole('radiogroup', { name: 'Warm and professional tone' });
    await tone.getByRole('radio', { name: '4', exact: true }).click();
    await expect.poll(() => tone.getByRole('radio', { name: '4', exact: true }).isChecked()).toBe(true);
    await editor.getByRole('radiogroup', { name: /Verified who the customer is.*Critical/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'quality-preview.png') });
    await editor.getByRole('button', { name: 'Back to JSON' }).click();
    await editor.getByRole('button', { name: 'Cancel' }).click();
    const stored = await call('admin', 'GET', '/questionnaires/conversation');
    expect(JSON.stringify(stored)).toContain('Friendly and professional tone'); // a preview saves nothing
  });

  it('a supervisor evaluates completed work; the agent sees it live and acknowledges; the calibration compares the evaluators', async () => {
    const alice = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await alice.getByRole('link', { name: 'Quality' }).click();
    await alice.getByRole('tab', { name: 'My evaluations' }).click();
    await alice.getByText('No finished evaluation of your work yet.').waitFor();

    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    const tasks = sam.getByRole('region', { name: 'Tasks' });
    // Once live (connecting re-reads the lists, which would close a menu opened before).
    await sam.getByRole('status', { name: 'Live connection: connected' }).waitFor({ timeout: 10_000 });
    await tasks.getByRole('table', { name: 'Tasks' }).or(tasks.getByText('No open tasks.')).first().waitFor();
    await tasks.getByLabel('State').click();
    await sam.getByRole('option', { name: 'Completed' }).click();
    await tasks.getByRole('button', { name: 'Actions for Disputed invoice QA-1' }).click();
    await sam.getByRole('menuitem', { name: 'Evaluate…' }).click();
    const dialog = sam.getByRole('dialog', { name: 'Evaluate: Disputed invoice QA-1' });
    await expect.poll(() => dialog.getByLabel('Questionnaire').textContent()).toBe('Customer conversation');
    await dialog.getByRole('checkbox', { name: 'The agent must acknowledge it' }).check();
    await dialog.getByRole('button', { name: 'Evaluate' }).click();

    // Sam lands on his scorecard: each pick is saved at once and the score follows.
    await sam.waitForURL(/\/quality\/scorecards\//);
    await sam.getByRole('heading', { name: 'Customer conversation: Disputed invoice QA-1' }).waitFor();
    const pick = async (question: string, answer: string) => {
      const radio = sam.getByRole('radiogroup', { name: question }).getByRole('radio', { name: answer, exact: true });
      await radio.click(); // shown at once, saved in the background
      await expect.poll(() => radio.isChecked()).toBe(true);
      await sam.getByText('Saving…').waitFor({ state: 'detached' });
    };
    await pick('Greeted the customer and gave their name', 'Yes');
    await sam.getByLabel('Opening score').getByText('100 %').waitFor();
    // Finishing too early names what is missing.
    await sam.getByRole('button', { name: /Finish scorecard/ }).click();
    await sam.getByText(/question\(s\) not answered/).waitFor();
    await pick('Understood the question before answering', '4');
    await pick('Verified who the customer is before sharing account details', 'Not applicable');
    await pick('The answer was correct and complete', '5');
    await pick('Next step agreed', 'Vague');
    await pick('Friendly and professional tone', '4');
    await pick('Asked whether anything else was needed', 'No');
    await sam.getByLabel('Overall feedback').fill('Good answer; confirm the next step and close the conversation.');
    await sam.screenshot({ path: join(SHOTS, 'quality-scorecard.png'), fullPage: true });
    await sam.getByLabel('Overall feedback').press('Control+Enter');
    await sam.getByText('Finished', { exact: true }).waitFor();
    const score = await sam.getByLabel(/^Score /).getAttribute('aria-label');
    expect(score).toMatch(/^Score \d+(\.\d)? %, (Passed|Excellent|Below target)$/);

    // Alice's list follows the stream: the finished scorecard shows without a reload.
    await alice.getByRole('tab', { name: /My evaluations \(1 new\)/ }).waitFor({ timeout: 10_000 });
    await alice.getByRole('link', { name: 'Disputed invoice QA-1' }).click();
    await alice.getByText('Sam Supervisor asks you to read and acknowledge this evaluation.').waitFor();
    await alice.getByText('Good answer; confirm the next step and close the conversation.').waitFor();
    await alice.getByLabel('Your comment').fill('Thanks, I will confirm next steps.');
    await alice.getByRole('button', { name: 'Acknowledge' }).click();
    await alice.getByText('Thanks, I will confirm next steps.').waitFor();
    await alice.screenshot({ path: join(SHOTS, 'quality-acknowledged.png'), fullPage: true });
    // Her own standing: the average and each group, over her evaluations.
    await alice.getByRole('link', { name: '← Quality' }).click();
    await alice.getByRole('tab', { name: 'My evaluations' }).click();
    await alice.getByRole('region', { name: 'Your last 30 days' }).getByLabel(`Customer conversation: ${score!.match(/\d+(\.\d)?/)![0]} %`).waitFor();

    // A calibration: Sam and Ada score the same work; Ada more strictly. Alice sees neither.
    const { calibration, items } = await call('admin', 'POST', '/scorecards', { taskId, questionnaire: 'conversation', evaluators: ['sam@worklane.local', 'admin@worklane.local'] });
    const of = (name: string) => items.find((c: { evaluator: { name: string } }) => c.evaluator.name === name).id;
    await call('sam', 'POST', `/scorecards/${of('Sam Supervisor')}/finish`, { answers: ANSWERS });
    await call('admin', 'POST', `/scorecards/${of('Ada Admin')}/finish`, { answers: { ...ANSWERS, understood: { answer: '3' }, verified: { answer: 'No' }, 'next-step': { answer: 'None' } } });
    await sam.getByRole('link', { name: '← Quality' }).click();
    await sam.getByRole('tab', { name: 'All scorecards' }).click();
    await sam.getByRole('row').filter({ hasText: 'Calibration' }).filter({ hasText: 'Sam Supervisor' }).getByRole('link', { name: 'Disputed invoice QA-1' }).click();
    await sam.getByRole('link', { name: 'Calibration' }).click();
    expect(calibration).toBeTruthy();
    await sam.getByRole('heading', { name: 'Calibration: Disputed invoice QA-1' }).waitFor();
    await sam.getByRole('img', { name: /Evaluators' totals: .*Ada Admin 0 %/ }).waitFor();
    const verified = sam.getByRole('row').filter({ hasText: 'Verified who the customer is' });
    await verified.getByText('50 %').waitFor();
    await sam.screenshot({ path: join(SHOTS, 'quality-calibration.png'), fullPage: true });

    // The overview: averages by agent, and where Alice scores per question group (the calibration left out).
    await sam.getByRole('link', { name: '← Quality' }).click();
    await sam.getByRole('tab', { name: 'Overview' }).click();
    await sam.getByRole('img', { name: new RegExp(`Average score by agent: Alice Advisor \\(1\\) ${score!.match(/\d+(\.\d)?/)![0]} %`) }).waitFor();
    const groups = sam.getByRole('table', { name: 'Customer conversation by group' });
    await groups.getByRole('row').filter({ hasText: 'Alice Advisor' }).getByRole('cell').nth(1).getByText('1', { exact: true }).waitFor();
    expect((await call('alice', 'GET', '/scorecards?agent=me')).items).toHaveLength(1);

    // Sam hands a scorecard he has no time for to Ann (an analyst); it leaves his list.
    await call('admin', 'POST', '/scorecards', { taskId, questionnaire: 'conversation', evaluators: ['sam@worklane.local'] });
    await sam.getByRole('tab', { name: /To score \(1\)/ }).click();
    await sam.getByRole('table', { name: 'Scorecards to fill in' }).getByRole('link', { name: 'Disputed invoice QA-1' }).click();
    await sam.getByRole('button', { name: 'Reassign…' }).click();
    const reassign = sam.getByRole('dialog', { name: 'Reassign the scorecard of Disputed invoice QA-1' });
    await reassign.getByLabel('New evaluator').click();
    await sam.getByRole('option', { name: 'Ann Analyst' }).click();
    await reassign.getByRole('button', { name: 'Reassign' }).click();
    await sam.getByText(/Alice Advisor evaluated by Ann Analyst/).waitFor();
    await sam.getByRole('link', { name: '← Quality' }).click();
    await sam.getByText('Nothing to score.', { exact: false }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'quality-overview.png'), fullPage: true });
  });

  it('the agent disputes an evaluation; an administrator (not the evaluator) revises it; the agent reads the decision live', async () => {
    const { items } = await call('admin', 'POST', '/scorecards', { taskId, questionnaire: 'conversation', evaluators: ['sam@worklane.local'] });
    await call('sam', 'POST', `/scorecards/${items[0].id}/finish`, { answers: ANSWERS, comment: 'You did not ask whether anything else was needed.' });

    const alice = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await alice.goto(`${server.base}/quality/scorecards/${items[0].id}`);
    await alice.getByText('You did not ask whether anything else was needed.').waitFor();
    await alice.getByRole('button', { name: 'Dispute…' }).click();
    await expect.poll(() => alice.getByRole('button', { name: 'Send dispute' }).isDisabled()).toBe(true); // a reason first
    await alice.getByLabel('Why you dispute this score').fill('I asked at the end of the chat: see the last message.');
    await alice.getByRole('button', { name: 'Send dispute' }).click();
    await alice.getByTestId('dispute').getByText('I asked at the end of the chat: see the last message.').waitFor();
    await alice.getByText('Disputed', { exact: true }).waitFor();

    const ada = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await signIn(ada, server.base, 'admin@worklane.local', 'admin123', /\/supervisor/);
    await ada.goto(`${server.base}/quality`);
    await ada.getByRole('tab', { name: 'Disputes (1)' }).click();
    await ada.getByRole('table', { name: 'Disputed scorecards' }).getByRole('link', { name: 'Disputed invoice QA-1' }).click();
    const decide = ada.getByRole('region', { name: 'Decide the dispute' });
    await decide.getByText('none changed yet').waitFor();
    await ada.getByRole('radiogroup', { name: 'Asked whether anything else was needed' }).getByRole('radio', { name: 'Yes', exact: true }).click();
    await decide.getByText('1 changed').waitFor();
    await decide.getByLabel('Decision, for the agent').fill('The transcript shows the question: revised.');
    await ada.screenshot({ path: join(SHOTS, 'quality-dispute.png'), fullPage: true });
    await decide.getByRole('button', { name: 'Revise score' }).click();
    await ada.getByTestId('dispute').getByText(/Score revised: \d+(\.\d)? % → \d+(\.\d)? %/).waitFor();
    // Quality → Overview: Sam's evaluations, one disputed and revised.
    await ada.getByRole('link', { name: '← Quality' }).click();
    await ada.getByRole('tab', { name: 'Overview' }).click();
    await ada.getByRole('table', { name: 'Disputes by evaluator' }).getByRole('row').filter({ hasText: 'Sam Supervisor' }).getByText('100 %').waitFor();
    await ada.getByRole('table', { name: 'Disputes by evaluator' }).screenshot({ path: join(SHOTS, 'quality-dispute-rates.png') });

    // Alice's page follows the stream: the decision shows without a reload, and the score is hers again to acknowledge.
    await alice.getByTestId('dispute').getByText(/Score revised/).waitFor({ timeout: 10_000 });
    await alice.getByText('The transcript shows the question: revised.', { exact: false }).waitFor();
    await alice.getByRole('button', { name: 'Acknowledge' }).waitFor();
    expect(await alice.getByRole('button', { name: 'Dispute…' }).count()).toBe(0); // once
    await alice.screenshot({ path: join(SHOTS, 'quality-dispute-decided.png'), fullPage: true });
  });
});

