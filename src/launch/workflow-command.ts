// The one workflow command the action's launcher writes itself, without @actions/core
// (kept out of the launcher's bundle): an error annotation, escaped as the runner expects.

export function errorCommand(message: string): string {
  const data = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::error::${data}\n`;
}
