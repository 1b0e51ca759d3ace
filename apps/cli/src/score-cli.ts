import { readFile } from 'node:fs/promises';
import { isDomainError, scoreReportFile, type Problem } from '#domain';

export interface CliIo {
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const nodeIo: CliIo = {
  readFile: (path) => readFile(path, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes: 0 scored (whatever the checks say), 2 bad arguments or file, 1 anything unexpected. */
export const EXIT = { ok: 0, unexpected: 1, badInput: 2 } as const;

const USAGE = [
  '用法 / usage: score <report.json> [--profile <id>]',
  '  --profile  评分规则 / rule profile: default, hubei-2020 (默认取文件中的 profileId / defaults to the file’s profileId)',
  '',
].join('\n');

function parseArgs(argv: readonly string[]): { file: string; profile: string | undefined } | string {
  let file: string | undefined;
  let profile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--profile' || arg.startsWith('--profile=')) {
      profile = arg.includes('=') ? arg.slice('--profile='.length) : argv[++i];
      if (!profile) return '缺少 --profile 的取值 / --profile needs a value';
    } else if (arg === '--help' || arg === '-h') {
      return '';
    } else if (arg.startsWith('-')) {
      return `未知选项 / unknown option: ${arg}`;
    } else if (file === undefined) {
      file = arg;
    } else {
      return `只能给出一个文件 / only one file, got also: ${arg}`;
    }
  }
  return file === undefined ? '缺少报告文件 / no report file given' : { file, profile };
}

function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.path || '(文件 / file)'}: ${p.message['zh-CN']}\n    ${p.message.en}\n`).join('');
}

export async function runScoreCli(argv: readonly string[], io: CliIo = nodeIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(args === '' ? USAGE : `${args}\n${USAGE}`);
    return args === '' ? EXIT.ok : EXIT.badInput;
  }
  let json: string;
  try {
    json = await io.readFile(args.file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`无法读取报告文件 / cannot read the report file: ${args.file}\n  ${reason}\n`);
    return EXIT.badInput;
  }
  try {
    const result = scoreReportFile(json, args.profile);
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const what = error.code === 'PROFILE_NOT_FOUND' ? '评分规则无效 / invalid rule profile' : '报告文件无效 / invalid report file';
    io.stderr(`${what}: ${args.file}\n${describeProblems(error.problems)}`);
    return EXIT.badInput;
  }
}
