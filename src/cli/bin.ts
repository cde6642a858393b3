export async function runFromProcess(): Promise<void> {
  console.log('eventfuzz stub', process.argv.slice(2).join(' '));
}
