// Reads the README's shell examples as a reader would type them: the `curl` and `nats` commands of its
// fenced bash blocks, with their quoting, line continuations, `$VAR` and `$(…)`, and the comment that
// says what each answers. Anything this reader does not understand is an error naming the README line,
// so an example can never be skipped silently.

/** A piece of a shell word: text, a variable to expand, or a command whose output is substituted. */
export type Part = { text: string } | { variable: string } | { command: Word[] };
export type Word = Part[];

export interface ReadmeCommand {
  /** 1-based line of the README where the command starts. */
  line: number;
  /** As written, continuation lines joined. */
  source: string;
  words: Word[];
  /** Its trailing comment and the comment lines right below it. */
  comments: string[];
  /** `NAME=value` lines above it in the same block. */
  variables: Map<string, Word>;
}

export class ReadmeError extends Error {
  constructor(line: number, message: string) {
    super(`README line ${line}: ${message}`);
  }
}

const FENCE_OPEN = /^```(bash|sh|shell)\s*$/;
const FENCE_CLOSE = /^```\s*$/;
const EXAMPLE = /^(curl|nats)\s/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The `curl` and `nats` commands of the README's bash blocks, in order. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const commands: ReadmeCommand[] = [];
  let inBlock = false;
  let variables = new Map<string, Word>();
  let last: ReadmeCommand | undefined; // the command the next comment lines belong to
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!inBlock) {
      inBlock = FENCE_OPEN.test(raw);
      variables = new Map();
      last = undefined;
      continue;
    }
    if (FENCE_CLOSE.test(raw)) {
      inBlock = false;
      continue;
    }
    const line = i + 1;
    let logical = raw;
    while (/\\\s*$/.test(logical) && i + 1 < lines.length)
      logical = `${logical.replace(/\\\s*$/, '')} ${lines[++i]!}`;
    const text = logical.trim();
    if (text.startsWith('#')) {
      last?.comments.push(text.slice(1).trim());
      continue;
    }
    last = undefined;
    if (ASSIGNMENT.test(text)) {
      const { words } = shellWords(text, line);
      const [first] = words;
      if (words.length !== 1 || !first || !('text' in first[0]!))
        throw new ReadmeError(line, `cannot read the assignment \`${text}\``);
      const name = first[0].text.slice(0, first[0].text.indexOf('='));
      variables.set(name, [{ text: first[0].text.slice(name.length + 1) }, ...first.slice(1)]);
      continue;
    }
    if (!EXAMPLE.test(text)) continue; // npm, open, k6…: not an HTTP or NATS example
    const { words, comment } = shellWords(text, line);
    last = { line, source: text, words, comments: comment ? [comment] : [], variables: new Map(variables) };
    commands.push(last);
  }
  return commands;
}

/** Splits one command line into words, as a POSIX shell would before expansion; returns its comment. */
export function shellWords(text: string, line: number): { words: Word[]; comment?: string } {
  const words: Word[] = [];
  let word: Word | undefined;
  const add = (part: Part) => {
    word ??= [];
    const previous = word.at(-1);
    if ('text' in part && previous && 'text' in previous) previous.text += part.text;
    else word.push(part);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (word) words.push(word);
      word = undefined;
      i++;
    } else if (c === '#' && !word) {
      return { words, comment: text.slice(i + 1).trim() };
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ReadmeError(line, `unterminated ' in \`${text}\``);
      add({ text: text.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (text[i] !== '"') {
        if (i >= text.length) throw new ReadmeError(line, `unterminated " in \`${text}\``);
        if (text[i] === '\\' && /["\\$`]/.test(text[i + 1] ?? '')) {
          add({ text: text[i + 1]! });
          i += 2;
        } else if (text[i] === '$') i = dollar(text, i, line, add);
        else if (text[i] === '`') throw new ReadmeError(line, 'backquotes are not supported; use $(…)');
        else add({ text: text[i++]! });
      }
      add({ text: '' });
      i++;
    } else if (c === '\\') {
      add({ text: text[i + 1] ?? '' });
      i += 2;
    } else if (c === '$') {
      i = dollar(text, i, line, add);
    } else if ('|&;<>()`'.includes(c)) {
      throw new ReadmeError(line, `the shell syntax '${c}' is not supported in an example: \`${text}\``);
    } else {
      add({ text: c });
      i++;
    }
  }
  if (word) words.push(word);
  return { words };
}

/** `$NAME`, `${NAME}` or `$(command)` at `text[i]`; returns the index after it. */
function dollar(text: string, i: number, line: number, add: (part: Part) => void): number {
  if (text[i + 1] === '(') {
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
    }
    if (depth > 0) throw new ReadmeError(line, `unterminated $( in \`${text}\``);
    add({ command: shellWords(text.slice(i + 2, j - 1), line).words });
    return j;
  }
  const braced = text[i + 1] === '{';
  const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + (braced ? 2 : 1)));
  if (!match) {
    add({ text: '$' });
    return i + 1;
  }
  add({ variable: match[0] });
  const end = i + (braced ? 2 : 1) + match[0].length;
  if (braced && text[end] !== '}') throw new ReadmeError(line, `\${${match[0]} is not closed in \`${text}\``);
  return braced ? end + 1 : end;
}

/** What expanding a word may need: the value of a variable no line of the block sets, a command's output. */
export interface Expansion {
  variable(name: string): string | undefined;
  run(argv: string[]): Promise<string>;
}

/** The words of a command with their variables and substitutions expanded (no field splitting). */
export async function expandWords(command: ReadmeCommand, expansion: Expansion): Promise<string[]> {
  const expand = async (word: Word, seen: string[]): Promise<string> => {
    let out = '';
    for (const part of word) {
      if ('text' in part) out += part.text;
      else if ('command' in part)
        out += (await expansion.run(await Promise.all(part.command.map((w) => expand(w, seen))))).trim();
      else {
        const own = command.variables.get(part.variable);
        if (own && !seen.includes(part.variable)) out += await expand(own, [...seen, part.variable]);
        else {
          const value = expansion.variable(part.variable);
          if (value === undefined)
            throw new ReadmeError(
              command.line,
              `$${part.variable} is set by no line of its block, and the test does not know it`,
            );
          out += value;
        }
      }
    }
    return out;
  };
  return Promise.all(command.words.map((w) => expand(w, [])));
}

/** The HTTP statuses a command's comments promise (`# 202 …`), in order. */
export function promisedStatuses(command: ReadmeCommand): number[] {
  return command.comments.flatMap((c) => {
    const status = /^([1-5]\d\d)\b/.exec(c);
    return status ? [Number(status[1])] : [];
  });
}

export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body as given, or the file named by `-d @file`. */
  body?: { text: string } | { file: string };
  /** `-N`: an answer that does not end (Server-Sent Events); its status and head are what count. */
  stream?: boolean;
}

/** A `curl` command line (the options the README uses), as a request. */
export function curlRequest(argv: string[], line: number): CurlRequest {
  let method: string | undefined;
  let url: string | undefined;
  let body: CurlRequest['body'];
  let stream = false;
  const headers: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new ReadmeError(line, `curl ${arg} needs a value`);
      return v;
    };
    if (arg === '-X' || arg === '--request') method = value();
    else if (arg === '-H' || arg === '--header') {
      const header = value();
      const colon = header.indexOf(':');
      if (colon < 1) throw new ReadmeError(line, `curl header '${header}' is not 'name: value'`);
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (['-d', '--data', '--data-binary', '--data-raw'].includes(arg)) {
      const data = value();
      body = data.startsWith('@') && arg !== '--data-raw' ? { file: data.slice(1) } : { text: data };
    } else if (['-s', '-S', '-sS', '--silent', '--show-error', '-i', '-v'].includes(arg)) continue;
    else if (arg === '-N' || arg === '--no-buffer') stream = true;
    else if (arg.startsWith('-')) throw new ReadmeError(line, `curl option ${arg} is not known to the test`);
    else if (url) throw new ReadmeError(line, `curl is given two URLs: ${url} and ${arg}`);
    else url = arg;
  }
  if (!url) throw new ReadmeError(line, 'curl is given no URL');
  return {
    method: method ?? (body ? 'POST' : 'GET'),
    url,
    headers,
    ...(body ? { body } : {}),
    ...(stream ? { stream } : {}),
  };
}

export type NatsCommand =
  | { verb: 'pub'; subject: string; headers: Record<string, string>; body: string }
  | { verb: 'sub'; subject: string };

/** A `nats pub SUBJECT [-H 'name:value']… BODY` or `nats sub SUBJECT` command line. */
export function natsCommand(argv: string[], line: number): NatsCommand {
  const [, verb, ...rest] = argv;
  if (verb === 'sub') {
    if (rest.length !== 1)
      throw new ReadmeError(line, `nats sub takes one subject here, got ${rest.join(' ')}`);
    return { verb, subject: rest[0]! };
  }
  if (verb !== 'pub')
    throw new ReadmeError(line, `nats ${verb ?? ''} is not known to the test (only pub and sub)`);
  const positional: string[] = [];
  const headers: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-H' || arg === '--header') {
      const header = rest[++i] ?? '';
      const colon = header.indexOf(':');
      if (colon < 1) throw new ReadmeError(line, `nats header '${header}' is not 'name:value'`);
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (arg.startsWith('-'))
      throw new ReadmeError(line, `nats pub option ${arg} is not known to the test`);
    else positional.push(arg);
  }
  if (positional.length !== 2)
    throw new ReadmeError(line, `nats pub takes a subject and a body, got ${positional.length} arguments`);
  return { verb, subject: positional[0]!, headers, body: positional[1]! };
}
