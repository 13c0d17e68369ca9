/**
 * One drill run in this process, from the injection to its verdict:
 *
 *   injecting → observing (→ responding) → restoring → passed | failed
 *                         ↘ (stop condition) → restoring → aborted      ↘ restore-failed
 *
 * The fault is a run of the runbook engine (fault-run.ts); the restore is that run's abort, so
 * the engine undoes the inject steps, journaled and through the change gate. Stop conditions are
 * looked at every tick: an abort asked in the store (any process: the operator, stop-all), the
 * stop-all switch, the hypothesis broken longer than its grace, a subject outside the blast
 * radius unhealthy, the fault run ended by someone else, the console stopping.
 */
import { toErrorData } from '../../../../shared/errors';
import type { DrillPlan } from '../../../../shared/drill';
import type { DrillMilestone, DrillMilestoneName, DrillReasonCode, DrillRunStatus, DrillRunView } from '../../../../shared/drill-run';
import type { RunView } from '../../../../shared/runbook';
import type { LbServerReading } from '../drill-inputs';
import { lbServerKey, type DrillObserver, type ObservedMilestone } from '../observe/observer-types';
import { contractSeconds, deriveTimes, judgeExpectations, lbDownMilestone, makeMilestone, observeMs, sameSetting } from './drill-judge';
import type { DrillRunnerDeps, DrillScope } from './drill-runner-types';
import { faultInPlace, faultRunPlan, holdIndex, revertResponse } from './fault-run';
import { SpareWatch } from './spare-watch';

export interface StopRequest {
  code: DrillReasonCode;
  reason: string;
}

export class DrillExecution {
  readonly view: DrillRunView;
  /** Set by abort(); the loop acts on it at its next tick. */
  private stop: StopRequest | null = null;
  private outsideUnhealthy: StopRequest | null = null;
  private t0: number | null = null;
  private detectedAt: number | null = null;
  private brokenAfterInject = false;
  /** A response was started (or linked): it is not started twice. */
  private responding = false;
  private responseEnded = false;
  private linkedResponse: string | null = null;
  /** The response's spare, when it brings one up: its start and first healthy answer. */
  private spare: SpareWatch | null = null;
  private saves = 0;
  private stoppedIn: DrillRunStatus | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly deps: DrillRunnerDeps,
    view: DrillRunView,
    private readonly plan: DrillPlan,
    private readonly scope: DrillScope,
  ) {
    this.view = view;
  }

  abort(req: StopRequest): void {
    this.stop ??= req;
    this.wake?.();
  }

  /** A game day's response: the operator's runbook run, linked. */
  link(runbookRunId: string): void {
    this.linkedResponse = runbookRunId;
    this.view.responseRunId = runbookRunId;
    this.save();
  }

  async run(): Promise<DrillRunView> {
    const { deps, plan, view } = this;
    const observer = deps.fleet.observer({
      frontendUrl: plan.hypothesis.url,
      probe: { ratePerSecond: plan.hypothesis.probeRatePerSecond, timeoutMs: Math.min(30_000, plan.hypothesis.maxP95LatencyMs + 1000) },
      hypothesis: { minSuccessPct: plan.hypothesis.minSuccessPct, maxP95Ms: plan.hypothesis.maxP95LatencyMs, windowSeconds: plan.hypothesis.windowSeconds },
      lbServers: this.scope.lbServers,
      subjects: this.scope.subjects,
      watchOutside: this.scope.outside,
    });
    let faultRunId: string | null = null;
    let faultDone: Promise<RunView> | null = null;
    try {
      await observer.start();
      const before = await observer.lbReadings();
      const offMilestones = observer.onMilestone((m) => this.observed(m, observer));
      try {
        this.phase('injecting');
        const handle = deps.engine.start(faultRunPlan(plan, view.id), { confirm: plan.confirmation ?? undefined, operator: deps.identity });
        faultRunId = view.faultRunId = handle.runId;
        faultDone = handle.done;
        this.save();
        const ended = await this.untilInjected(handle.runId, handle.done);
        if (ended) return await this.injectFailed(ended, observer);
        if (this.t0 !== null) deps.audit.append({ kind: 'drill.inject', subject: plan.drill, detail: { drillRun: view.id, faultRun: handle.runId, targets: plan.targets.map((t) => t.name) } });
        this.phase('observing');
        await this.observe(observer, handle.runId, handle.done);
      } finally {
        offMilestones();
      }
      return await this.restoreAndJudge(observer, faultRunId, faultDone, before);
    } catch (err) {
      // Whatever went wrong, the fault must not outlive the drill.
      const e = toErrorData(err);
      this.stop ??= { code: 'restore-failed', reason: e.message };
      if (faultRunId && faultDone) return this.restoreAndJudge(observer, faultRunId, faultDone, null, e.message);
      await observer.stop().catch(() => undefined);
      return this.finish('aborted', { code: 'inject-failed', reason: e.message });
    }
  }

  /** Until the hold step runs (the fault is in place); the fault run's end view if it ended first (an inject step failed). */
  private async untilInjected(faultRunId: string, done: Promise<RunView>): Promise<RunView | null> {
    let ended: RunView | null = null;
    void done.then((v) => (ended = v)).catch(() => undefined);
    for (;;) {
      if (ended) return ended;
      const run = this.deps.engine.get(faultRunId);
      if (faultInPlace(run)) {
        const hold = run.steps[holdIndex(run)]!;
        // T0: the last inject step finished, the hold began.
        this.t0 = hold.startedAt ?? this.deps.timers.now();
        this.view.injectedAt = this.t0;
        this.milestone('injected', this.t0, `fault injected: ${this.plan.inject.map((s) => s.title).join('; ')}`);
        return null;
      }
      const stop = this.stopCondition();
      if (stop) {
        this.stop = stop;
        return null;
      }
      await this.sleep();
    }
  }

  private async observe(observer: DrillObserver, faultRunId: string, done: Promise<RunView>): Promise<void> {
    const { plan, deps } = this;
    let faultEnded = false;
    void done.then(() => (faultEnded = true)).catch(() => (faultEnded = true));
    const t0 = this.t0 ?? deps.timers.now();
    const deadline = t0 + observeMs(plan, plan.response.kind !== 'none');
    let settledSince: number | null = null;
    while (this.stop === null) {
      const now = deps.timers.now();
      const stop = this.stopCondition(observer, now);
      if (stop) {
        this.stop = stop;
        break;
      }
      if (faultEnded) {
        this.stop = { code: 'operator-abort', reason: `the fault run ${faultRunId} was ended outside the drill` };
        break;
      }
      await this.respond(now);
      this.watchSpare();
      // One whole hypothesis window after T0 at least: the verdict then covers the fault itself.
      const windowed = now - t0 >= plan.hypothesis.windowSeconds * 1000;
      const settled = windowed && this.detectedAt !== null && observer.hypothesis().holds && (plan.response.kind === 'none' || this.responseEnded);
      settledSince = settled ? (settledSince ?? now) : null;
      if (settledSince !== null && now - settledSince >= (deps.settleMs ?? 5000)) break;
      if (now >= deadline) break;
      if (++this.saves % 4 === 0) {
        this.view.seconds = contractSeconds(observer.seconds(), plan.hypothesis);
        this.save();
      }
      await this.sleep();
    }
  }

  /** The response: a runbook after detection or a delay, or the operator's linked run. */
  private async respond(now: number): Promise<void> {
    const r = this.plan.response;
    if (r.kind === 'runbook' && !this.responding) {
      const due = r.after.kind === 'detection' ? this.detectedAt !== null : this.t0 !== null && now - this.t0 >= r.after.seconds * 1000;
      if (!due) return;
      this.responding = true;
      try {
        const started = await this.deps.fleet.startResponse(this.plan);
        this.view.responseRunId = started.runId;
        // The run's own start, not the time this await returned: a short runbook may have
        // finished by then, and its end must not come before its start.
        const startedAt = this.deps.fleet.runbookRun(started.runId)?.startedAt ?? this.deps.timers.now();
        this.responseStarted(startedAt, `response runbook ${r.runbook} started on ${r.target}`);
        this.track(started.done);
      } catch (err) {
        this.responseEnded = true;
        this.milestone('response-finished', this.deps.timers.now(), `response runbook ${r.runbook} could not start: ${toErrorData(err).message}`, { flagged: true });
      }
    }
    if (r.kind === 'operator' && this.linkedResponse !== null && !this.responding) {
      const run = this.deps.fleet.runbookRun(this.linkedResponse);
      if (!run) return;
      this.responding = true;
      this.responseStarted(run.startedAt, `the operator started runbook ${run.runbook} on ${run.target}`);
      this.pollLinked(this.linkedResponse);
    }
  }

  private responseStarted(at: number, text: string): void {
    if (this.view.status !== 'responding') this.phase('responding');
    this.milestone('response-started', at, text);
    const runId = this.view.responseRunId ?? this.linkedResponse;
    if (runId !== null) this.spare = new SpareWatch(this.deps.fleet, runId, this.plan.targets.map((t) => t.name));
  }

  private watchSpare(): void {
    for (const m of this.spare?.check() ?? []) {
      const text = m.name === 'spare-started' ? `the response started spare ${m.spare}` : `spare ${m.spare} answered healthy`;
      this.milestone(m.name, m.at, text, { subject: m.spare });
    }
  }

  private track(done: Promise<RunView>): void {
    void done.then(
      (run) => this.responseFinished(run),
      (err) => {
        this.responseEnded = true;
        this.milestone('response-finished', this.deps.timers.now(), `response failed: ${toErrorData(err).message}`, { flagged: true });
      },
    );
  }

  private responseFinished(run: RunView): void {
    this.responseEnded = true;
    this.milestone('response-finished', run.endedAt ?? this.deps.timers.now(), `response runbook ${run.runbook} ${run.status}`, { flagged: run.status !== 'succeeded' });
  }

  /** A linked run may live in another process: followed through the journal. */
  private pollLinked(runId: string): void {
    const look = () => {
      if (this.responseEnded || this.view.endedAt !== null) return;
      const run = this.deps.fleet.runbookRun(runId);
      if (run && run.endedAt !== null) this.responseFinished(run);
      else this.deps.timers.setTimeout(look, this.deps.tickMs ?? 250);
    };
    look();
  }

  /** What stops the drill now, if anything. */
  private stopCondition(observer?: DrillObserver, now = this.deps.timers.now()): StopRequest | null {
    if (this.stop) return this.stop;
    const asked = this.deps.store.abortRequest(this.view.id);
    if (asked) return asked;
    if (this.deps.stopAll.state().engaged) return { code: 'stop-all', reason: 'the stop-all switch was engaged' };
    if (this.outsideUnhealthy) return this.outsideUnhealthy;
    if (observer) {
      const h = observer.hypothesis();
      const graceMs = this.plan.hypothesis.graceSeconds * 1000;
      if (!h.holds && h.brokenSince !== null && now - h.brokenSince > graceMs) {
        return {
          code: 'hypothesis-broken',
          reason: `the hypothesis was broken for more than its grace of ${this.plan.hypothesis.graceSeconds} s (success ${h.successPct ?? '—'} %, p95 ${h.p95Ms ?? '—'} ms)`,
        };
      }
    }
    return null;
  }

  private observed(m: ObservedMilestone, observer: DrillObserver): void {
    const has = (n: DrillMilestoneName) => this.view.milestones.some((x) => x.name === n);
    switch (m.kind) {
      case 'first-failed-request':
        if (!has('first-failure')) this.milestone('first-failure', m.at, `first failed request through the frontend: ${m.error}`);
        break;
      case 'console-detected':
        this.detectedAt ??= m.at;
        if (!has('console-detected')) this.milestone('console-detected', m.at, `the console marked ${m.subject} ${m.health}`, { subject: m.subject });
        break;
      case 'lb-down':
        this.detectedAt ??= m.at;
        if (!has('lb-down')) this.add(lbDownMilestone(m, observer.lbPromises(), this.t0));
        break;
      case 'hypothesis-broken':
        if (this.t0 !== null) this.brokenAfterInject = true;
        break;
      case 'hypothesis-held':
        if (this.brokenAfterInject && !has('mitigated')) this.milestone('mitigated', m.at, 'the hypothesis holds again');
        break;
      case 'outside-unhealthy':
        this.outsideUnhealthy ??= { code: 'outside-blast-radius', reason: `${m.subject}, outside the drill's blast radius, turned ${m.health}` };
        this.wake?.();
        break;
      default:
        break;
    }
  }

  private async injectFailed(ended: RunView, observer: DrillObserver): Promise<DrillRunView> {
    await observer.stop().catch(() => undefined);
    this.view.seconds = contractSeconds(observer.seconds(), this.plan.hypothesis);
    const failed = ended.steps.find((s) => s.status === 'failed' || s.status === 'undone');
    const why = `the injection failed: ${failed?.error ?? ended.status}`;
    if (ended.status === 'rollback-failed') return this.restoreFailed(ended, why);
    this.view.restoredAt = ended.endedAt;
    return this.finish('aborted', { code: 'inject-failed', reason: `${why}; what was injected was undone` });
  }

  private async restoreAndJudge(observer: DrillObserver, faultRunId: string, done: Promise<RunView>, before: Map<string, LbServerReading> | null, error?: string): Promise<DrillRunView> {
    const { deps } = this;
    const aborted = this.stop;
    // Where it was when it stopped (observing, responding…): what the report says it was aborted in.
    this.stoppedIn = this.view.status;
    // The abort is when it was decided: the restore starts now.
    if (aborted) this.milestone('aborted', deps.timers.now(), `aborted: ${aborted.reason}`, { flagged: true });
    this.view.seconds = contractSeconds(observer.seconds(), this.plan.hypothesis);
    this.phase('restoring');
    const current = deps.engine.get(faultRunId);
    if (current.status === 'running') {
      try {
        deps.engine.abort(faultRunId);
      } catch {
        // Ended meanwhile (someone else aborted it): its end is what counts.
      }
    }
    const ended = await done;
    if (ended.status !== 'rolled-back') {
      await observer.stop().catch(() => undefined);
      return this.restoreFailed(ended, error ?? `the restore ended ${ended.status}`);
    }
    // The response's changes go too (a drain of the replica): back to the baseline means all of it.
    const response = this.view.responseRunId === null ? null : await revertResponse(deps.engine, this.view.responseRunId, () => this.sleep());
    if (response && response.status !== 'rolled-back') {
      await observer.stop().catch(() => undefined);
      return this.restoreFailed(response, `undoing the response run ${response.id} ended ${response.status}`);
    }
    this.view.restoredAt = response?.endedAt ?? ended.endedAt ?? deps.timers.now();
    this.milestone('restored', this.view.restoredAt, `fault restored: the inject steps were undone${response ? `, and the response run ${response.runbook} reverted` : ''}`);
    deps.audit.append({ kind: 'drill.restore', subject: this.plan.drill, detail: { drillRun: this.view.id, faultRun: faultRunId, status: ended.status } });
    if (before) await this.untilBaseline(observer, before);
    await observer.stop().catch(() => undefined);
    this.view.seconds = contractSeconds(observer.seconds(), this.plan.hypothesis);
    if (!aborted && !this.view.milestones.some((m) => m.name === 'mitigated') && !this.brokenAfterInject && this.detectedAt !== null) {
      // Never broken: the load balancer's failover kept the service whole; mitigated as soon as detected.
      this.milestone('mitigated', this.detectedAt, 'the hypothesis held throughout the fault', { values: { neverBroken: 1 } });
    }
    this.view.derived = deriveTimes(this.view.milestones, this.view.seconds, observer.lbPromises());
    if (aborted) return this.finish('aborted', aborted);
    this.view.expectations = judgeExpectations(this.plan.expectations, this.view.derived);
    return this.finish(this.view.expectations.every((e) => e.passed) ? 'passed' : 'failed', null);
  }

  /** Back to baseline: HAProxy's state and weight of every target server as before, every target healthy again. */
  private async untilBaseline(observer: DrillObserver, before: Map<string, LbServerReading>): Promise<void> {
    const { deps } = this;
    const until = deps.timers.now() + (deps.baselineTimeoutMs ?? 180_000);
    const keys = this.scope.lbServers.map(lbServerKey);
    while (deps.timers.now() < until) {
      const now = await observer.lbReadings().catch(() => null);
      const same = now !== null && keys.every((k) => sameSetting(before.get(k), now.get(k)));
      const healthy = this.scope.subjects.every((s) => deps.fleet.health(s) === 'healthy');
      if (same && healthy) {
        this.milestone('baseline', deps.timers.now(), 'back to baseline: HAProxy state and weights as before, every target healthy');
        return;
      }
      await this.sleep();
    }
  }

  private restoreFailed(ended: RunView, why: string): DrillRunView {
    const step = ended.rollbackFailedStep === null ? null : ended.steps[ended.rollbackFailedStep];
    const reason = `the restore failed${step ? ` at step ${step.index + 1} (${step.title}): ${step.error}` : `: ${why}`}; the fault may still be in place`;
    this.milestone('restore-failed', this.deps.timers.now(), reason, { flagged: true });
    this.deps.record({ ts: this.deps.timers.now(), kind: 'drill.restore-failed', subject: this.plan.drill, severity: 'error', message: `drill ${this.plan.drill}: ${reason}`, data: { drillRun: this.view.id, faultRun: ended.id } });
    this.deps.audit.append({ kind: 'drill.restore', subject: this.plan.drill, detail: { drillRun: this.view.id, faultRun: ended.id, status: ended.status, error: reason } });
    return this.finish('restore-failed', { code: 'restore-failed', reason });
  }

  private finish(status: DrillRunStatus, why: StopRequest | null): DrillRunView {
    const { view, deps } = this;
    const now = deps.timers.now();
    view.phase = this.stoppedIn ?? view.status;
    view.status = status;
    view.reasonCode = why?.code ?? null;
    view.reason = why?.reason ?? null;
    view.endedAt = now;
    view.derived = view.derived.requestsSent === 0 ? deriveTimes(view.milestones, view.seconds, []) : view.derived;
    if (status === 'aborted' && !view.milestones.some((m) => m.name === 'aborted')) this.milestone('aborted', now, `aborted: ${why?.reason ?? ''}`, { flagged: true });
    this.save();
    deps.audit.append({
      kind: status === 'aborted' ? 'drill.abort' : 'drill.end',
      subject: view.drill,
      detail: { drillRun: view.id, status, phase: view.phase, reasonCode: view.reasonCode, reason: view.reason, faultRun: view.faultRunId },
    });
    deps.onEnded?.(view.id, status);
    return view;
  }

  private phase(status: DrillRunStatus): void {
    this.view.status = status;
    this.view.phase = status;
    this.save();
  }

  private milestone(name: DrillMilestoneName, at: number, text: string, extra: Parameters<typeof makeMilestone>[4] = {}): void {
    this.add(makeMilestone(name, at, this.t0, text, extra));
  }

  /** Kept in time order, stored as an event (`drill.<name>`), pushed. */
  private add(m: DrillMilestone): void {
    const { name, at, text } = m;
    this.view.milestones = [...this.view.milestones, m].sort((a, b) => a.at - b.at);
    this.deps.record({
      ts: at,
      kind: `drill.${name}`,
      subject: m.subject ?? this.plan.drill,
      severity: name === 'restore-failed' ? 'error' : m.flagged || name === 'aborted' ? 'warning' : 'info',
      message: `drill ${this.plan.drill}: ${text}`,
      data: { drillRun: this.view.id, milestone: m },
    });
    this.save();
  }

  private save(): void {
    if (this.deps.store.saveIfOwned(this.view, this.deps.owner.id)) this.deps.push(structuredClone(this.view));
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.deps.timers.setTimeout(() => {
        this.wake = null;
        resolve();
      }, this.deps.tickMs ?? 250);
      this.wake = () => {
        this.deps.timers.clearTimeout(handle);
        this.wake = null;
        resolve();
      };
    });
  }
}
