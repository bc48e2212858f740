// The benchmark's CSV file, generated as it is uploaded (never held whole):
// a header and `rows` distinct subscribers with a name and three attributes.
import { Readable } from 'node:stream';

export const HEADER = 'email,name,plan,seats,city\n';
const PLANS = ['free', 'pro', 'team'];
const CITIES = ['Oslo', 'Lisbon', 'Zürich', 'Kraków', 'Dublin'];

export function csvRow(i: number): string {
  return `user${i}@bench.example,User ${i},${PLANS[i % 3]},${i % 50},${CITIES[i % 5]}\n`;
}

/** The file as a stream of ~64 KiB chunks. */
export function csvStream(rows: number): Readable {
  let next = 0;
  return new Readable({
    read() {
      let chunk = next === 0 ? HEADER : '';
      while (next < rows && chunk.length < 64 * 1024) chunk += csvRow(next++);
      this.push(chunk.length > 0 ? chunk : null);
    },
  });
}

/** The attributes the import stores for row i (with the mapping in main.ts). */
export function attributesOf(i: number): Record<string, unknown> {
  return { plan: PLANS[i % 3], seats: i % 50, city: CITIES[i % 5] };
}
