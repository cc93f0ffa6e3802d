// Synthetic Google-Ads-style CSV for benchmarks (deterministic: same N → same file).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const FIRST = ['James', 'Mary', 'José', 'Zoë', 'Liam', 'Olivia', 'Noah', 'Emma', 'Jürgen', 'Chloé', 'Mateo', 'Aiko'];
const LAST = ['Smith', 'Johnson', "O'Brien", 'Müller', 'García', 'Nguyen', 'Kim', 'Dubois', 'Rossi', 'Brown'];
const DOMAINS = ['gmail.com', 'example.com', 'yahoo.com', 'outlook.com', 'example.de'];
const NAMES = ['Offline purchase', 'Phone order', 'Store visit purchase'];
const AREA = ['201', '212', '305', '312', '415', '512', '617', '646', '702', '718'];

/** Writes `rows` data rows; returns the file size. */
export async function generateCsv(path, rows) {
  const out = createWriteStream(path);
  out.write('Parameters:TimeZone=America/New_York\n');
  out.write('Email,Phone Number,First Name,Last Name,Conversion Name,Order ID,Conversion Value,Conversion Currency,Conversion Time,Google Click ID\n');
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const start = Date.UTC(2026, 0, 1);
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const email = `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${last.toLowerCase().replace(/[^a-z]/g, '')}${i}@${DOMAINS[i % DOMAINS.length]}`;
    // Unique per row (area × exchange × line covers 8M numbers), so no cache can make phones cheaper than real data.
    const phone = `+1 ${AREA[i % AREA.length]}-${200 + (Math.floor(i / 10000) % 800)}-${String(i % 10000).padStart(4, '0')}`;
    const value = (rnd() * 500).toFixed(2);
    const t = new Date(start + Math.floor(rnd() * 80 * 86400000)).toISOString().replace('T', ' ').slice(0, 19);
    const gclid = `Cj0KCQiA${(i * 2654435761 % 4294967296).toString(36)}${i.toString(36)}`;
    buffer += `${email},${phone},${first},${last},${NAMES[i % NAMES.length]},ORD-${1000000 + i},${value},USD,${t},${gclid}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.write(buffer);
  out.end();
  await once(out, 'finish');
}
