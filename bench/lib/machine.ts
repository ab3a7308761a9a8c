import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/**
 * The machine a run was made on, as far as a guest can see it: the bench's ratios move with the CPU
 * (how fast its JavaScript runs against its crypto), its caches, and what else shares it (load,
 * and the hypervisor's steal). Read from Node and /proc; a field a system does not expose is left out.
 */
export interface MachineFacts {
  readonly cpu: string;
  /** `cpu family` and `model` of /proc/cpuinfo (AMD family 25 is Zen 3 and Zen 4, Intel 6 is Core/Xeon). */
  readonly cpuFamilyModel?: string;
  readonly cores: number;
  readonly caches?: string;
  readonly flags?: string;
  readonly hypervisor?: boolean;
  readonly clocksource?: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly v8: string;
  readonly openssl: string;
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** The first value of a field of /proc/cpuinfo. */
const cpuinfo = (text: string | undefined, field: string): string | undefined =>
  text
    ?.split('\n')
    .find((line) => line.startsWith(field))
    ?.split(':')[1]
    ?.trim();

/** CPU flags that change how fast the code or the floor runs (SHA and AES instructions, vector width). */
const INTERESTING_FLAGS = ['sha_ni', 'aes', 'vaes', 'avx2', 'avx512f'];

export const machineFacts = (): MachineFacts => {
  const info = read('/proc/cpuinfo');
  const family = cpuinfo(info, 'cpu family');
  const model = cpuinfo(info, 'model\t');
  const flags = cpuinfo(info, 'flags')?.split(' ');
  const caches = [0, 1, 2, 3]
    .map((i) => `/sys/devices/system/cpu/cpu0/cache/index${i}`)
    .filter((dir) => existsSync(dir))
    .map((dir) => `L${read(`${dir}/level`)} ${read(`${dir}/type`)?.toLowerCase()} ${read(`${dir}/size`)}`)
    .join(', ');
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    ...(family && model ? { cpuFamilyModel: `family ${family}, model ${model}` } : {}),
    cores: availableParallelism(),
    ...(caches ? { caches } : {}),
    ...(flags ? { flags: INTERESTING_FLAGS.filter((f) => flags.includes(f)).join(' ') } : {}),
    ...(flags ? { hypervisor: flags.includes('hypervisor') } : {}),
    ...(read('/sys/devices/system/clocksource/clocksource0/current_clocksource')
      ? { clocksource: read('/sys/devices/system/clocksource/clocksource0/current_clocksource') }
      : {}),
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
  };
};

/** CPU time counters of /proc/stat: total and stolen by the hypervisor. */
const cpuTimes = (): { total: number; steal: number } | undefined => {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return undefined;
  const values = line.split(/\s+/).slice(1).map(Number);
  return { total: values.reduce((a, b) => a + b, 0), steal: values[7] ?? 0 };
};

/** Watches the machine over a run: load average at both ends and the share of CPU time stolen. */
export const machineLoad = () => {
  const start = cpuTimes();
  const loadAtStart = loadavg()[0] ?? 0;
  return () => {
    const end = cpuTimes();
    const stealShare =
      start && end && end.total > start.total
        ? (end.steal - start.steal) / (end.total - start.total)
        : undefined;
    return {
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg()[0] ?? 0,
      ...(stealShare === undefined ? {} : { stealShare }),
    };
  };
};
