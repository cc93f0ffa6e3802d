"""Python-stdlib baseline: csv + hashlib + sqlite3, the same hashing work (Google and Meta variants of
email/phone/first/last name), into a table with the app's schema and indexes (migrations/*.sql).
Phone normalization is a simple digits-only rule (stdlib has no numbering-plan library), so this
baseline does less work than the app on phones."""
import csv, hashlib, sqlite3, sys, time, uuid, glob, os, re, json, resource

src, db_path, migrations = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
db = sqlite3.connect(db_path, isolation_level=None)
db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA synchronous=FULL'); db.execute('PRAGMA foreign_keys=ON')
for path in sorted(glob.glob(os.path.join(migrations, '*.sql'))):
    db.executescript(open(path, encoding='utf-8').read())
h = lambda s: hashlib.sha256(s.encode('utf-8')).hexdigest() if s else None
punct = re.compile(r'[^\w\s]', re.UNICODE)
db.execute('BEGIN')
cols = 'id,event_name,event_id,user_email_hash,user_phone_hash,user_first_name_hash,user_last_name_hash,meta_email_hash,meta_phone_hash,meta_first_name_hash,meta_last_name_hash,event_value_micros,currency,transaction_id,gclid,event_time'
sql = f'INSERT INTO conversion_events ({cols}) VALUES ({",".join("?" * 16)}) ON CONFLICT(event_id) DO NOTHING'
rows = 0
with open(src, newline='', encoding='utf-8') as f:
    f.readline()  # Parameters:TimeZone line
    reader = csv.DictReader(f)
    batch = []
    for r in reader:
        rows += 1
        email = r['Email'].strip().lower()
        local, _, domain = email.partition('@')
        g_email = (local.replace('.', '') + '@' + domain) if domain in ('gmail.com', 'googlemail.com') else email
        digits = re.sub(r'\D', '', r['Phone Number'])
        first = r['First Name'].strip().lower(); last = r['Last Name'].strip().lower()
        value = r['Conversion Value']; whole, _, frac = value.partition('.')
        micros = int(whole) * 1000000 + int((frac + '000000')[:6])
        batch.append((str(uuid.uuid4()), 'purchase', r['Conversion Name'] + ':' + r['Order ID'], h(g_email), h('+' + digits), h(first), h(last),
                      h(email), h(digits), h(punct.sub('', first)), h(punct.sub('', last)), micros, r['Conversion Currency'], r['Order ID'],
                      r['Google Click ID'], r['Conversion Time'].replace(' ', 'T') + '.000Z'))
        if len(batch) >= 10000:
            db.executemany(sql, batch); batch = []
    db.executemany(sql, batch)
db.execute('COMMIT')
db.close()
print(json.dumps({'rows': rows, 'wallMs': (time.perf_counter() - t0) * 1000, 'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
