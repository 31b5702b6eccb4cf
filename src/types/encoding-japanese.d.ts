// Minimal typing for the one function the charset module uses.
declare module 'encoding-japanese' {
  const Encoding: {
    detect(data: Uint8Array | number[] | string): string | false;
  };
  export default Encoding;
}
