// One conformance suite for every scheduler implementation (tests/conformance/engines.ts: the
// LSF stand-in, a real Slurm, local): the same scenarios, the same expected outcomes.
//
// - a complete run: every job done, each after its parents (event log), status.sh says so,
//   starting again runs nothing, and kill.sh then cancels nothing and says so;
// - a failing element: exactly its descendants never run, everything else completes, status.sh
//   reports the failure (exit 1);
// - resume: once the cause is fixed, exactly the failed job and its descendants run again;
// - kill midway: nothing of the run is left pending or running, and nothing downstream ran.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { compileExample, descendants, jobName, orderViolationsFromEvents, Site, type Event } from '../e2e/harness.js';
import { ENGINES } from './engines.js';

const flow = (scheduler: string) => `pipeline conf
site { scheduler = ${scheduler} }
env CONF_DIR: path
node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
corner tt_0p80v_25c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical, tt_0p80v_25c_typical] }
library b : n5 { corners = [tt_0p75v_25c_typical, tt_0p80v_25c_typical] }
stage prep for each library, corner {
  run = shell """mkdir -p "\${out}" && touch "\${out}/p" """
  expect "\${out}/p" == 1
}
stage work for each library, corner after prep {
  run = shell """mkdir -p "\${out}" && if [ -e "$CONF_DIR/fail.\${library.id}.\${corner.name}" ]; then echo "tool: cannot open \${corner.name}.db" >&2; exit 3; fi; while [ ! -e "$CONF_DIR/gate" ]; do sleep 0.05; done; touch "\${out}/w" """
  expect "\${out}/w" == 1
}
stage gather for each library after work {
  run = shell """mkdir -p "\${out}" && touch "\${out}/g" """
  expect "\${out}/g" == 1
}
stage summary after gather {
  run = shell """mkdir -p "\${out}" && touch "\${out}/s" """
  expect "\${out}/s" == 1
}
`;

const starts = (events: readonly Event[], from = 0) => events.filter((e) => e.event === 'start' && e.line >= from).map((e) => `${e.stage} ${e.job}`);

async function until(what: string, predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const engine of ENGINES) {
  const title = engine.unavailable ? `conformance: ${engine.name} (skipped: ${engine.unavailable})` : `conformance: ${engine.name}`;
  describe.skipIf(engine.unavailable !== undefined)(title, () => {
    let root = '';
    let out = '';
    const sites: Site[] = [];
    beforeAll(async () => {
      root = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), `libcc-conf-${engine.name}-`));
      fs.chmodSync(root, 0o755);
      fs.writeFileSync(path.join(root, 'flow.lcp'), flow(engine.name));
      out = await compileExample(root, path.join(root, 'flow.lcp'));
    }, 60_000);
    afterEach(async () => {
      while (sites.length) {
        const s = sites.pop()!;
        await engine.cleanup(s);
        await s.cleanup();
      }
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    function setup(options: { gate: boolean }) {
      const s = Site.create(out, `libcc-conf-${engine.name}-site-`);
      fs.chmodSync(s.root, 0o755);
      sites.push(s);
      const ctl = path.join(s.root, 'ctl');
      fs.mkdirSync(ctl);
      if (options.gate) fs.writeFileSync(path.join(ctl, 'gate'), '');
      return { s, ctl, env: { CONF_DIR: ctl } };
    }

    it('complete run: every job done after its parents; status.sh agrees; starting again runs nothing', async () => {
      const { s, env } = setup({ gate: true });
      const r = await engine.start(s, env);
      expect(r.code, r.stderr).toBe(0);
      await engine.settle(s);
      for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
      expect(orderViolationsFromEvents(s.jobs, s.events())).toEqual([]);
      const status = await engine.status(s);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^work\s+5\s+5\s+0\s+0\s+0\s+0\s+0$/m);
      expect(status.stdout).toMatch(/^summary\s+1\s+1\s+0\s+0\s+0\s+0\s+0$/m);
      const before = s.events().length;
      await engine.start(s, env);
      await engine.settle(s);
      expect(starts(s.events(), before)).toEqual([]);
      expect(engine.leftovers(s)).toEqual([]);
      // Killing a finished run cancels nothing and says so: not "cancelled" when nothing was.
      // (The local engine's kill is the runner's SIGTERM; its kill.sh finds no runner to stop.)
      const killed = engine.name === 'local' ? await s.run('kill.sh') : await engine.kill(s);
      if (engine.name === 'local') {
        expect(killed.code).toBe(1);
        expect(killed.stderr).toMatch(/no run to kill: nothing was submitted from this directory .* and no run-local\.sh runs on it/);
      } else {
        expect(killed.code, killed.stderr).toBe(0);
        expect(killed.stdout).toBe('');
        expect(killed.stderr).toMatch(/^libcc: no unfinished job in \S+/m);
      }
      for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    }, 180_000);

    it('a failing element: exactly its descendants never run, the rest completes; resume re-runs only the failed part', async () => {
      const { s, ctl, env } = setup({ gate: true });
      fs.writeFileSync(path.join(ctl, 'fail.a.ss_0p675v_m40c_typical'), '');
      await engine.start(s, env);
      await engine.settle(s);
      const failed = s.job('work', 'n5.a.ss_0p675v_m40c_typical');
      const doomed = descendants(s.jobs, [failed.num]);
      expect([...doomed].map((n) => jobName(s.jobs[n]!)).sort()).toEqual(['gather n5.a', 'summary _']);
      const started = new Set(starts(s.events()));
      for (const job of s.jobs) {
        if (job === failed) expect(s.failedReason(job), jobName(job)).toBe('command exited with code 3 (attempt 1)');
        else if (doomed.has(job.num)) expect(started.has(jobName(job)), jobName(job)).toBe(false);
        else expect(s.isDone(job), jobName(job)).toBe(true);
      }
      const status = await engine.status(s);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/^work\s+5\s+4\s+0\s+0\s+1\s+0\s+0$/m);
      expect(status.stdout).toContain(`  ${jobName(failed)}: command exited with code 3 (attempt 1)`);
      expect(engine.leftovers(s)).toEqual([]);

      fs.rmSync(path.join(ctl, 'fail.a.ss_0p675v_m40c_typical'));
      const before = s.events().length;
      await engine.start(s, env);
      await engine.settle(s);
      expect(starts(s.events(), before).sort()).toEqual([jobName(failed), ...[...doomed].map((n) => jobName(s.jobs[n]!))].sort());
      for (const job of s.jobs) expect(s.isDone(job), jobName(job)).toBe(true);
    }, 240_000);

    it('kill midway: nothing of the run is left pending or running, nothing downstream ran', async () => {
      const { s, env } = setup({ gate: false });
      await engine.start(s, env);
      await until('a work job to start', () => starts(s.events()).some((j) => j.startsWith('work ')));
      const killed = await engine.kill(s);
      if (engine.name !== 'local') expect(killed.code, killed.stderr).toBe(0);
      await engine.settle(s);
      await until('nothing left', () => engine.leftovers(s).length === 0, 30_000);
      expect(starts(s.events()).filter((j) => j.startsWith('gather ') || j.startsWith('summary '))).toEqual([]);
      for (const job of s.jobs.filter((j) => j.stage === 'work')) expect(s.isDone(job), jobName(job)).toBe(false);
    }, 180_000);
  });
}
