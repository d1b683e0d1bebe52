// action.yml is generated from the option and output tables, so the action's interface
// cannot drift from the CLI's: `npm run action-yml` rewrites it, and a test fails when
// the committed file differs.

import { OPTIONS, OUTPUTS } from './options.js';

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function renderActionYml(): string {
  const lines = [
    '# Generated from src/config/options.ts by `npm run action-yml`; edit the table there, not this file.',
    "name: 'usage-ledger'",
    "description: 'Fetch LLM provider usage and cost reports into a git-backed, auditable ledger, and reconcile run records.'",
    "author: 'usage-ledger contributors'",
    'branding:',
    '  icon: book-open',
    '  color: blue',
    'inputs:',
  ];
  for (const option of OPTIONS) {
    if (option.cliOnly) continue;
    const details = [option.description];
    if (option.choices && option.kind === 'choice') details.push(`One of: ${option.choices.join(', ')}.`);
    details.push(`Format: ${option.kind}.`);
    if (option.default !== undefined) details.push(`Default: ${option.default}.`);
    // No `default:` keys: defaults are applied in one place (settings.ts), and an input the
    // user left unset stays distinguishable from one set to the default value.
    lines.push(`  ${option.name}:`, `    description: ${quote(details.join(' '))}`, '    required: false');
  }
  lines.push('outputs:');
  for (const output of OUTPUTS) lines.push(`  ${output.name}:`, `    description: ${quote(output.description)}`);
  lines.push('runs:', "  using: 'node24'", "  main: 'dist/index.js'", '');
  return lines.join('\n');
}
