/**
 * The lab's strict recognisers of training commands (electron/core/lab/training-commands.ts):
 * exactly the scontrol lines the console renders, for the lab Slurm's config and nodes, and the
 * checkpoint listing for a directory inside the lab's checkpoint folder; anything else — other
 * variables, binaries, forms, extra words, other nodes, other directories — is not recognised.
 */
import { describe, expect, it } from 'vitest';
import { listingCommand } from '../../../electron/core/checkpoints/listing-script';
import { shellQuote } from '../../../electron/core/runbooks/shell-quote';
import { renderSlurmChange } from '../../../electron/core/slurm/render-change';
import { parseLabListing, parseScontrolLine, scontrolHandler } from '../../../electron/core/lab/training-commands';
import { FakeHost } from '../../../electron/core/lab/fake-host';
import { labNodeGpus } from '../../../electron/core/lab/gpu-profile';
import { NodeFaults } from '../../../electron/core/lab/node-faults';

const CONF = '/tmp/fleetops-slurm-AbC123/slurm.conf';
const scope = { confFile: CONF, nodeNames: ['usw2-trn-01', 'usw2-trn-02'] };
const env = { env: { SLURM_CONF: CONF } };
const scontrolLine = (change: Parameters<typeof renderSlurmChange>[0]) => {
  const r = renderSlurmChange(change, null, env);
  if (r.via !== 'scontrol') throw new Error('expected scontrol');
  return r;
};

describe('the scontrol recogniser', () => {
  it('reads back every line the console renders into scontrol argv', () => {
    const reason = "XID 79 on GPU 3 — it's $(not run) `x` ; rm -rf /";
    expect(parseScontrolLine(scontrolLine({ kind: 'drain', node: 'usw2-trn-01', reason }).command, scope)?.argv).toEqual([
      'update',
      'NodeName=usw2-trn-01',
      'State=DRAIN',
      `Reason=${reason}`,
    ]);
    expect(parseScontrolLine(scontrolLine({ kind: 'resume', node: 'usw2-trn-02' }).command, scope)?.argv).toEqual(['update', 'NodeName=usw2-trn-02', 'State=RESUME']);
    const requeue = scontrolLine({ kind: 'requeue', jobId: '17' });
    expect(parseScontrolLine(requeue.command, scope)?.argv).toEqual(['requeue', '17']);
    expect(parseScontrolLine(requeue.followUp!.check, scope)?.argv).toEqual(['show', 'job', '-o', '17']);
    expect(parseScontrolLine(requeue.followUp!.command, scope)?.argv).toEqual(['update', 'JobId=17', 'StartTime=now']);
    expect(parseScontrolLine(scontrolLine({ kind: 'requeue', jobId: '17_3' }).command, scope)?.argv).toEqual(['requeue', '17_3']);
  });

  it('refuses everything else', () => {
    const drain = scontrolLine({ kind: 'drain', node: 'usw2-trn-01', reason: 'bad' }).command;
    const hostile = [
      '',
      'scontrol update NodeName=usw2-trn-01 State=DRAIN Reason=bad',
      drain.replace(CONF, '/etc/slurm/slurm.conf'),
      `LD_PRELOAD=/x.so ${drain}`,
      `SLURM_CONF=${shellQuote(CONF)} PATH=/tmp ${drain.slice(drain.indexOf('scontrol'))}`,
      drain.replace(' scontrol ', ' /tmp/scontrol '),
      `${drain}; id`,
      `${drain} && id`,
      `${drain}\nid`,
      `${drain} State=RESUME`,
      drain.replace("'usw2-trn-01'", 'usw2-trn-01'),
      drain.replace("'usw2-trn-01'", "'usw2-inf-01'"),
      drain.replace("'usw2-trn-01'", "'usw2-trn-01,usw2-trn-02'"),
      drain.replace("Reason='bad'", "Reason=''"),
      drain.replace("Reason='bad'", "Reason='a\nb'"),
      drain.replace("Reason='bad'", "Reason=\"$(id)\""),
      drain.replace('State=DRAIN', 'State=DOWN'),
      drain.replace('  ', ' ').replace(' update ', '  update '),
      `SLURM_CONF=${shellQuote(CONF)} scontrol shutdown`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol delete PartitionName='gpu'`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol requeue '17;id'`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol requeue '$(id)'`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol requeue 17`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol show job -o '17' '18'`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol update JobId='17' StartTime=now Priority=1`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol update JobId='17' StartTime=now+1`,
      `SLURM_CONF=${shellQuote(CONF)} scontrol token username=root`,
    ];
    for (const line of hostile) expect(parseScontrolLine(line, scope), line).toBeNull();
  });

  it('a fake host with the handler runs recognised lines only; the rest stay "not found"', async () => {
    const ran: string[][] = [];
    const host = new FakeHost({ hostname: 'usw2-trn-01', gpus: labNodeGpus('usw2-trn-01', 'training', 1), faults: new NodeFaults('usw2-trn-01', 1), bootedAtMs: 0 });
    host.setHandler('scontrol', scontrolHandler({ ...scope, run: async (argv) => (ran.push(argv), { stdout: '', stderr: '', code: 0 }) }));
    const line = scontrolLine({ kind: 'resume', node: 'usw2-trn-01' }).command;
    expect(await host.run(line)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(ran).toEqual([['update', 'NodeName=usw2-trn-01', 'State=RESUME']]);
    expect(await host.run(`${line}; id`)).toMatchObject({ code: 127 });
    host.setHandler('scontrol', null);
    expect(await host.run(line)).toMatchObject({ code: 127 });
    expect(ran).toHaveLength(1);
  });
});

describe('the checkpoint listing recogniser', () => {
  const root = '/srv/lab/ckpt';

  it('accepts the listing of a directory at or under the lab checkpoint folder, as argv for sh', () => {
    for (const dir of [root, `${root}/lab-pretrain`, `${root}/odd name $(id) 'q'`]) {
      const argv = parseLabListing(listingCommand(dir, 'dcp'), root);
      expect(argv?.slice(0, 2)).toEqual(['sh', '-c']);
      expect(argv?.at(-1)).toBe(dir);
    }
    expect(parseLabListing(listingCommand(`${root}/x`, 'deepspeed'), root)).not.toBeNull();
  });

  it('refuses other directories, walks out of the folder, and altered commands', () => {
    const hostile = [
      listingCommand('/etc', 'dcp'),
      listingCommand('/srv/lab/ckpt-other', 'dcp'),
      listingCommand('/srv/lab', 'dcp'),
      listingCommand(`${root}/../secrets`, 'dcp'),
      listingCommand(`${root}/./x`, 'dcp'),
      listingCommand(`${root}//x`, 'dcp'),
      listingCommand(`${root}/x/`, 'dcp'),
      `${listingCommand(`${root}/x`, 'dcp')}; id`,
      listingCommand(`${root}/x`, 'dcp').replace('sh -c', 'bash -c'),
      listingCommand(`${root}/x`, 'dcp').replace('printf', 'id;printf'),
      `sh -c 'id' fleetops-checkpoints '${root}/x'`,
    ];
    for (const cmd of hostile) expect(parseLabListing(cmd, root), cmd.slice(-80)).toBeNull();
  });
});
