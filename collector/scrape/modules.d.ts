// parse-prometheus-text-format ships no types: its one export, as this code uses it.
declare module 'parse-prometheus-text-format' {
  const parse: (text: string) => unknown[];
  export default parse;
}
