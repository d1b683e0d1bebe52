// The README's tables of inputs and outputs are generated from the option and output
// tables, like action.yml, so the documentation cannot drift from the interface:
// `npm run action-yml` rewrites them between their markers, and a test fails when the
// committed README differs.

import { OPTIONS, OUTPUTS, type OptionSpec } from './options.js';

const GENERATED_NOTE = '<!-- generated from src/config/options.ts by `npm run action-yml`; edit the table there -->';

// Descriptions are plain text: a `|` would end the cell and `<run_id>` would vanish as a tag.
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  return `\`${text}\``;
}

// How the same setting is given on the command line: a flag, the command word, or, for a
// secret, an environment variable (secrets are never flags).
function commandLineForm(option: OptionSpec): string {
  if (option.actionOnly) return 'the command word';
  if (option.kind === 'secret') return `environment ${(option.env ?? []).map(code).join(' or ')}`;
  return code(`--${option.name}`);
}

export function renderInputsTable(): string {
  const rows = OPTIONS.filter((option) => !option.cliOnly).map((option) => {
    const fallback = option.default === undefined ? '' : code(option.default);
    return `| ${code(option.name)} | ${commandLineForm(option)} | ${fallback} | ${cell(option.description)} |`;
  });
  return [GENERATED_NOTE, '| input | command line | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function renderOutputsTable(): string {
  const rows = OUTPUTS.map((output) => `| ${code(output.name)} | ${cell(output.description)} |`);
  return [GENERATED_NOTE, '| output | description |', '| --- | --- |', ...rows].join('\n');
}

function replaceBetween(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md needs the markers ${start} and ${end}, in that order`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The README with its inputs and outputs tables regenerated; everything else as it was. */
export function withGeneratedTables(readme: string): string {
  return replaceBetween(replaceBetween(readme, 'inputs', renderInputsTable()), 'outputs', renderOutputsTable());
}
