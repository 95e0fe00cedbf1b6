// CRC-32 as in zlib, PNG and gzip: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF.

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  // Built on first use so that importing the module does no work.
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  return table;
}

/**
 * CRC-32 (zlib/PNG) of `bytes` as an unsigned 32-bit integer. Pass the CRC of the bytes before
 * as `previous` to checksum data in pieces: `crc32(b, crc32(a)) === crc32(concat(a, b))`.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = crcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `bytes` as 8 lowercase hex digits, the form checkpoint manifests store. */
export function crc32Hex(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0');
}
