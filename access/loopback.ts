/** Whether an address is this machine's (loopback), IPv4, IPv6 or IPv4-mapped. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || a === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(a);
}
