// A small realistic province walked through the catalogue's, sharing's and incidents' flows against the running platform
// (`npm start` in another terminal). Prints what happened at each step.
import { join, resolve } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { issueToken, localKeys } from '@openlgsp/auth';

const root = resolve(import.meta.dirname, '../..');
const base = process.env.LGSP_URL ?? 'http://127.0.0.1:8080';
const keys = await localKeys(join(process.env.LGSP_DATA ?? join(root, '.lgsp'), 'keys'));
const token = (agency, roles, sub = `${agency.toLowerCase()}-demo`) =>
  issueToken({ sub, agency, roles, ttl: '1h' }, keys.privateKey, {
    issuer: 'openlgsp-local',
    audience: 'openlgsp',
  });
const suffix = Date.now().toString(36).slice(-4).toUpperCase(); // lets the demo run again on the same data

async function call(method, path, tok, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(tok ? { authorization: `Bearer ${tok}` } : {}),
      ...headers,
    },
    ...(body ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
function step(what, answer) {
  const ok = answer.status < 400 ? '✓' : '✗';
  console.log(
    `${ok} ${answer.status} ${what}${answer.status >= 400 ? `: ${answer.body?.detail ?? ''}` : ''}`,
  );
  return answer.body;
}

const dic = await token(`STTTT${suffix}`, ['dic']);
const committee = await token(`UBND${suffix}`, ['committee']);
const code = (c) => `${c}${suffix}`;

console.log(`\n— Agencies of Kon Tum province (suffix ${suffix})`);
const agencies = [
  ['UBND', 'Ủy ban nhân dân tỉnh Kon Tum', 'province', undefined, '000.00.00.H34'],
  ['STTTT', 'Sở Thông tin và Truyền thông (DIC)', 'province', 'UBND', '000.00.31.H34'],
  ['STNMT', 'Sở Tài nguyên và Môi trường', 'province', 'UBND', '000.00.18.H34'],
  ['SYT', 'Sở Y tế', 'province', 'UBND', '000.00.22.H34'],
  ['SGDDT', 'Sở Giáo dục và Đào tạo', 'province', 'UBND', '000.00.12.H34'],
  ['SXD', 'Sở Xây dựng', 'province', 'UBND', '000.00.21.H34'],
  ['STC', 'Sở Tài chính', 'province', 'UBND', '000.00.19.H34'],
  ['SKHDT', 'Sở Kế hoạch và Đầu tư', 'province', 'UBND', '000.00.14.H34'],
  ['CAT', 'Công an tỉnh', 'province', 'UBND', undefined],
  ['TPKT', 'UBND thành phố Kon Tum', 'district', 'UBND', '000.21.00.H34'],
  ['HDH', 'UBND huyện Đắk Hà', 'district', 'UBND', '000.22.00.H34'],
  ['XNK', 'UBND xã Ngọk Réo', 'commune', 'HDH', undefined],
];
for (const [c, name, level, parent, nationalId] of agencies) {
  step(
    `register ${name}`,
    await call('POST', '/catalogue/agencies', dic, {
      code: code(c),
      name,
      level,
      ...(parent ? { parentCode: code(parent) } : {}),
      ...(nationalId ? { nationalId } : {}),
      focalPoint: { name: 'Đầu mối dữ liệu', email: `dulieu.${c.toLowerCase()}@kontum.gov.vn` },
    }),
  );
}

const land = await token(code('STNMT'), ['provider']);
const health = await token(code('SYT'), ['provider']);
const construction = await token(code('SXD'), ['consumer']);
const entry = (owner, name, sector, sharingMode, open, fields) => ({
  name,
  ownerAgency: owner,
  purpose: `Chia sẻ ${name.toLowerCase()} cho thủ tục hành chính`,
  scope: 'Toàn tỉnh',
  sector,
  dataFields: fields.map(([n, d, t]) => ({ name: n, description: d, type: t })),
  updateFrequency: 'daily',
  integrationTime: 'trong 24 giờ kể từ khi thay đổi',
  validityPeriod: 'P1Y',
  sharingMode,
  open,
  masterData: true,
  legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '12' }],
  containsStateSecrets: false,
});

console.log('\n— Catalogue proposals (004 Điều 4.2): owner proposes, DIC compiles, the Committee decides');
const proposals = [
  [
    land,
    entry(code('STNMT'), 'Cơ sở dữ liệu đất đai', 'land', 'request', false, [
      ['parcelId', 'Mã thửa', 'code'],
      ['area', 'Diện tích', 'number'],
    ]),
  ],
  [
    land,
    entry(code('STNMT'), 'Cơ sở dữ liệu giá đất', 'land-price', 'default', true, [
      ['zone', 'Vùng giá', 'code'],
      ['price', 'Giá', 'number'],
    ]),
  ],
  [
    health,
    entry(code('SYT'), 'Cơ sở dữ liệu cơ sở khám chữa bệnh', 'health', 'default', true, [
      ['facilityId', 'Mã cơ sở', 'code'],
      ['name', 'Tên', 'string'],
    ]),
  ],
];
const listed = [];
for (const [tok, content] of proposals) {
  const p = step(
    `propose "${content.name}"`,
    await call('POST', '/catalogue/entries/proposals', tok, {
      content,
      justification: 'Phục vụ liên thông thủ tục hành chính',
    }),
  );
  step(
    '  DIC compiles',
    await call('POST', `/catalogue/entries/${p.entryId}/proposals/${p.proposalId}/compilation`, dic, {
      note: 'Hồ sơ đầy đủ',
    }),
  );
  step(
    '  the Committee approves',
    await call('POST', `/catalogue/entries/${p.entryId}/proposals/${p.proposalId}/decision`, committee, {
      outcome: 'approved',
      decisionRef: `${Math.floor(Math.random() * 900) + 100}/QĐ-UBND`,
    }),
  );
  listed.push(p.entryId);
}
const secret = entry(code('STNMT'), 'Bản đồ quốc phòng', 'defence', 'request', false, [['x', 'x', 'string']]);
step(
  'propose a database containing state secrets (refused, 000 Điều 1.2)',
  await call('POST', '/catalogue/entries/proposals', land, {
    content: { ...secret, containsStateSecrets: true },
    justification: 'x',
  }),
);
step(
  'a consumer agency tries to propose for the land department (refused)',
  await call('POST', '/catalogue/entries/proposals', construction, {
    content: proposals[0][1],
    justification: 'x',
  }),
);

console.log('\n— Sharing-service registry (004 Điều 5)');
const service = step(
  'declare "Tra cứu thửa đất" (REST)',
  await call('POST', '/catalogue/services', land, {
    entryId: listed[0],
    name: 'Tra cứu thửa đất',
    protocol: 'rest',
    endpoint: 'https://lgsp.kontum.gov.vn/land/v1',
    documentationUrl: 'https://lgsp.kontum.gov.vn/land/docs',
    version: '1.0.0',
  }),
);
step(
  'the land system reports a new version over HTTP intake (CloudEvent)',
  await call(
    'POST',
    '/catalogue/events',
    await token(code('STNMT'), ['integrator'], 'land-system'),
    JSON.stringify({
      specversion: '1.0',
      id: uuidv7(),
      type: 'vn.openlgsp.catalogue.service.changed.v1',
      source: `/agencies/${code('STNMT')}/land-system`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      agency: code('STNMT'),
      data: { serviceId: service.serviceId, version: '1.1.0' },
    }),
    { 'content-type': 'application/cloudevents+json' },
  ),
);
step(
  'suspend it for maintenance',
  await call('POST', `/catalogue/services/${service.serviceId}/suspension`, land, {
    reason: 'Bảo trì hệ thống',
    until: new Date(Date.now() + 86_400_000).toISOString(),
  }),
);
const registry = step(
  'anyone reads the registry (public)',
  await call('GET', `/catalogue/services?provider=${code('STNMT')}`),
);
console.log(`  ${registry.total} service(s); by status: ${JSON.stringify(registry.facets.status)}`);

console.log('\n— Data errors (004 Điều 14.2.c) and quality (Decree 47 Điều 16)');
const report = step(
  'the construction department reports a wrong parcel area',
  await call('POST', '/catalogue/error-reports', construction, {
    entryId: listed[0],
    field: 'area',
    description: 'Diện tích thửa 125 tờ 8 sai so với thực địa',
    recordRef: 'thua-125-to-8',
  }),
);
step(
  '  the owner acknowledges',
  await call('POST', `/catalogue/error-reports/${report.reportId}/acknowledgement`, land, {
    note: 'Đang kiểm tra',
  }),
);
step(
  '  and notes the correction',
  await call('POST', `/catalogue/error-reports/${report.reportId}/correction`, land, {
    correction: 'Đã cập nhật diện tích theo đo đạc 2026',
  }),
);
const pass = { outcome: 'pass' };
step(
  'record the annual assessment of the land database',
  await call('POST', `/catalogue/entries/${listed[0]}/assessments`, land, {
    year: new Date().getUTCFullYear(),
    results: {
      inventory: pass,
      standardsConformance: pass,
      accuracy: { outcome: 'partial', note: '1 báo cáo lỗi' },
      integrity: pass,
      abnormalData: pass,
      maintenance: pass,
    },
  }),
);
const overdue = step(
  'DIC lists entries overdue for assessment',
  await call('GET', '/catalogue/entries/overdue-assessments', dic),
);
console.log(`  ${overdue.items.length} overdue`);

console.log('\n— Search (accents optional, 004 Điều 13.2.c)');
const found = step(
  'search "dat dai"',
  await call('GET', `/catalogue/entries?q=dat%20dai&owner=${code('STNMT')}`),
);
console.log(
  `  found: ${found.items.map((e) => e.content.name).join('; ')}; by sharing mode: ${JSON.stringify(found.facets.sharingMode)}`,
);
console.log('\n— Sharing requests and grants (Decree 47 Điều 37–39, 43; 004 Điều 13, 15)');
const period = {
  from: new Date().toISOString(),
  until: new Date(Date.now() + 365 * 86_400_000).toISOString(),
};
const ask = (entryId, fields, extra = {}) => ({
  entryId,
  purpose: 'Xác minh thông tin thửa đất khi cấp giấy phép xây dựng',
  fields,
  legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '38' }],
  period,
  contact: { name: 'Nguyễn Văn An', email: 'an.nv@sxd.kontum.gov.vn' },
  ...extra,
});
// Sharing learns of listed entries from the catalogue's events, a moment after the decision.
async function requestWhenKnown(tok, body) {
  for (let i = 0; ; i++) {
    const a = await call('POST', '/sharing/requests', tok, body);
    if (a.status !== 404 || i > 100) return a;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const request = step(
  'the construction department asks for parcel id and area of the land database',
  await requestWhenKnown(construction, ask(listed[0], ['parcelId', 'area'])),
);
console.log(`  due ${request.dueAt} (10 working days, weekends and holidays skipped)`);
step(
  '  the land department starts its review',
  await call('POST', `/sharing/requests/${request.requestId}/review`, land),
);
const approval = step(
  '  and approves the area only, for the requested period',
  await call('POST', `/sharing/requests/${request.requestId}/approval`, land, {
    fields: ['area'],
    conditions: ['Chỉ dùng cho thủ tục cấp giấy phép xây dựng'],
  }),
);
await new Promise((r) => setTimeout(r, 500)); // the grant follows the approval event
const landSystem = await token(code('STNMT'), ['integrator'], 'land-system');
const checkAccess = (fields) =>
  call(
    'GET',
    `/sharing/grants/check?holder=${code('SXD')}&entryId=${listed[0]}&fields=${fields}`,
    landSystem,
  );
const allowed = step('the land system checks SXD before serving "area"', await checkAccess('area'));
console.log(`  allowed: ${allowed.allowed} (grant ${approval.grantId})`);
const denied = step('  and before serving "parcelId"', await checkAccess('parcelId'));
console.log(`  allowed: ${denied.allowed} — ${denied.reasons.map((r) => r.code).join(', ')}`);
const byDefault = step(
  'the construction department asks for the default-shared land prices (granted at once)',
  await requestWhenKnown(construction, ask(listed[1], ['zone', 'price'])),
);
console.log(`  ${byDefault.status}, grant ${byDefault.grantId}`);

const healthAsConsumer = await token(code('SYT'), ['consumer']);
const refusedRequest = step(
  'the health department asks for parcel data',
  await requestWhenKnown(healthAsConsumer, ask(listed[0], ['parcelId'])),
);
step(
  '  the land department refuses without a legal basis (refused itself, Decree 194/2025 Điều 16.2)',
  await call('POST', `/sharing/requests/${refusedRequest.requestId}/refusal`, land, {
    reasons: 'Không cần thiết',
  }),
);
step(
  '  and refuses in writing, with reasons and legal basis',
  await call('POST', `/sharing/requests/${refusedRequest.requestId}/refusal`, land, {
    reasons: 'Mục đích không thuộc phạm vi chia sẻ của cơ sở dữ liệu',
    legalBasis: [{ instrument: 'Nghị định 47/2020/NĐ-CP', article: '40' }],
  }),
);
step(
  '  the health department disputes the refusal before DIC (vướng mắc)',
  await call('POST', '/sharing/disputes', healthAsConsumer, {
    requestId: refusedRequest.requestId,
    statement: 'Dữ liệu cần cho cấp phép cơ sở khám chữa bệnh',
  }),
);
step(
  '  DIC orders sharing of parcel ids (final; the grant follows)',
  await call('POST', `/sharing/disputes/${refusedRequest.requestId}/decision`, dic, {
    outcome: 'sharing-ordered',
    reasons: 'Dữ liệu phục vụ thủ tục hành chính',
    fields: ['parcelId'],
  }),
);
const demand = step(
  'the land department suspects misuse and demands a usage report from construction',
  await call('POST', '/sharing/usage-report-demands', land, {
    grantId: approval.grantId,
    reason: 'Lượt truy vấn tăng bất thường',
  }),
);
step(
  '  construction reports its use',
  await call('POST', `/sharing/usage-report-demands/${demand.demandId}/report`, construction, {
    summary: 'Chỉ dùng để xác minh hồ sơ cấp phép xây dựng',
    requests: 412,
  }),
);
const overview = step('DIC lists every request', await call('GET', '/sharing/requests?limit=200', dic));
console.log(`  ${overview.items.length} request(s): ${overview.items.map((r) => r.status).join(', ')}`);

console.log('\n— Open data (000 Điều 9; 003 Điều 7; 004 Điều 8.1): the owner drafts, an editor publishes');
const editor = await token(`STTTT${suffix}`, ['editor'], 'dic-editor-demo');
const landPriceEntry = listed[1]; // "giá đất": listed, marked open by its owner
async function draftWhenKnown(body) {
  // opendata learns of the listing from the catalogue's event, a moment after it happened
  for (let i = 0; ; i++) {
    const answer = await call('POST', '/opendata/datasets', land, body);
    if (answer.status !== 404 || i > 50) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const dataset = step(
  'the land department drafts the land-price dataset',
  await draftWhenKnown({
    entryId: landPriceEntry,
    metadata: {
      title: { vi: 'Bảng giá đất', en: 'Land prices' },
      description: {
        vi: 'Giá đất theo vùng do Ủy ban nhân dân tỉnh ban hành.',
        en: 'Land prices by zone, as issued by the Provincial People’s Committee.',
      },
      keywords: { vi: ['giá đất', 'đất đai'], en: ['land price'] },
      themes: ['ECON'],
      contactPoint: { name: 'Văn phòng Sở Tài nguyên và Môi trường', email: 'vanphong.stnmt@example.gov.vn' },
      spatial: { province: { code: '62', name: 'Kon Tum' } },
      accrualPeriodicity: 'ANNUAL',
      legalBasis: [{ instrument: 'Luật Đất đai 2024', article: '159' }],
    },
  }),
);
const upload = async (name, body, tok = land) => {
  const res = await fetch(`${base}/opendata/datasets/${dataset.datasetId}/distributions/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'text/csv' },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const csv = 'zone,price\nV1,12000000\nV2,8500000\n';
const file = step('  uploads gia-dat.csv (streamed, checked row by row)', await upload('gia-dat.csv', csv));
console.log(`  sha256 ${file.sha256.slice(0, 16)}…, ${file.byteSize} bytes, ${file.check.rows} rows`);
const bad = await upload('gia-dat-loi.csv', 'zone,price\nV1,=1+1\n');
step('  a CSV with a formula cell is refused (expected 422)', {
  ...bad,
  status: bad.status === 422 ? 200 : 500,
});
console.log(`  ${bad.body.errors.map((e) => e.message).join('; ')}`);
step(
  '  submits it for review',
  await call('POST', `/opendata/datasets/${dataset.datasetId}/submission`, land),
);
step(
  '  the editor returns it with a reason',
  await call('POST', `/opendata/datasets/${dataset.datasetId}/return`, editor, {
    reasons: ['Ghi rõ đơn vị tính (đồng/m²) trong mô tả'],
  }),
);
step('  resubmitted', await call('POST', `/opendata/datasets/${dataset.datasetId}/submission`, land));
const publication = step(
  '  the editor publishes it',
  await call('POST', `/opendata/datasets/${dataset.datasetId}/publication`, editor),
);
console.log(`  version ${publication.version} is on the OPENDATA stream (the public change feed)`);

console.log('\n— Incidents (DOMAIN.md §5): a phishing wave, a network outage, a registration');
const phishing = (over = {}) => ({
  contact: { name: 'Cán bộ chuyên trách CNTT' },
  category: 'fraud/phishing',
  severity: 'high',
  detectedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
  description: 'Thư giả mạo Cổng dịch vụ công gửi tới cán bộ, dẫn tới trang đăng nhập giả.',
  observables: [
    { type: 'domain', value: `dichvucong-kontum-${suffix.toLowerCase()}.example`, tlp: 'GREEN' },
    { type: 'email', value: 'hotro@dichvucong-gia.example', tlp: 'AMBER' },
    { type: 'ip', value: '203.0.113.66', tlp: 'RED' },
  ],
  ...over,
});
const wave = [];
for (const c of ['SYT', 'SGDDT', 'STC']) {
  const officer = await token(code(c), ['provider'], `${c.toLowerCase()}-it`);
  const reported = step(
    `${c} reports the phishing e-mail`,
    await call('POST', '/incidents/incidents', officer, phishing()),
  );
  wave.push({ c, officer, incidentId: reported?.incidentId });
}
// The health department's mail gateway raises the same alert twice (a CloudEvent over HTTP intake).
const gateway = await token(code('SYT'), ['integrator'], 'syt-mail-gateway');
for (const attempt of [1, 2]) {
  const raised = await call(
    'POST',
    '/incidents/events',
    gateway,
    phishing({ sourceRef: 'MG-4711', contact: { name: 'Cổng thư SYT' } }),
    {
      'ce-specversion': '1.0',
      'ce-id': uuidv7(),
      'ce-type': 'vn.openlgsp.incidents.alert.raised.v1',
      'ce-source': `/agencies/${code('SYT')}/mail-gateway`,
      'ce-time': new Date().toISOString(),
      'ce-agency': code('SYT'),
    },
  );
  step(`  the SYT mail gateway raises the alert (${attempt === 1 ? 'first' : 're-sent'})`, raised);
}
await new Promise((r) => setTimeout(r, 1_000)); // intake is asynchronous
const sytIncident = step(
  'SYT reads its incident',
  await call('GET', `/incidents/incidents/${wave[0].incidentId}`, wave[0].officer),
);
console.log(
  `  ${sytIncident?.reportCount ?? '?'} reports (the officer's, the gateway's alert and its re-sending) in one incident; SYT's officer sees ${sytIncident?.observables?.length ?? '?'} observables (RED only for the reporter and DIC)`,
);
step(
  'STC reads SYT’s incident (another agency: absent)',
  await call('GET', `/incidents/incidents/${wave[0].incidentId}`, wave[2].officer),
);
step(
  'DIC triages it',
  await call('POST', `/incidents/incidents/${wave[0].incidentId}/acknowledgement`, dic, {
    note: 'Chiến dịch lừa đảo diện rộng',
    severity: 'high',
  }),
);
step(
  'DIC escalates it to the national CERT',
  await call('POST', `/incidents/incidents/${wave[0].incidentId}/cert-escalation`, dic, {
    cert: 'VNCERT/CC',
    reference: `VNCERT-${suffix}`,
    note: 'Ba cơ quan cùng bị tấn công',
  }),
);
step(
  'DIC warns every agency (002 Điều 8.9)',
  await call('POST', '/incidents/warnings', dic, {
    title: 'Cảnh báo thư giả mạo Cổng dịch vụ công',
    description: 'Nhiều cơ quan nhận thư giả mạo dẫn tới trang đăng nhập giả.',
    severity: 'high',
    measures: 'Chặn tên miền, cảnh báo cán bộ, đổi mật khẩu nếu đã nhập.',
    observables: [
      { type: 'domain', value: `dichvucong-kontum-${suffix.toLowerCase()}.example`, tlp: 'GREEN' },
    ],
    tlp: 'GREEN',
  }),
);
const outage = step(
  "DIC's hotline takes a call: Đắk Hà district's network point is down",
  await call('POST', '/incidents/incidents/hotline', dic, {
    agency: code('HDH'),
    contact: { name: 'Văn phòng UBND huyện Đắk Hà', phone: '0260 3820 000' },
    category: 'availability/outage',
    severity: 'critical',
    detectedAt: new Date(Date.now() - 30 * 60_000).toISOString(),
    description: 'Mất kết nối mạng truyền số liệu chuyên dùng tại điểm UBND huyện.',
    observables: [],
    accessPoint: { level: 'II', name: 'UBND huyện Đắk Hà' },
  }),
);
step(
  '  DIC triages it',
  await call('POST', `/incidents/incidents/${outage?.incidentId}/acknowledgement`, dic, {
    note: 'Xác nhận mất kết nối',
  }),
);
step(
  '  and assigns it to the telecom provider',
  await call('POST', `/incidents/incidents/${outage?.incidentId}/assignment`, dic, {
    assignee: { kind: 'telecom', name: 'VNPT Kon Tum' },
    note: 'Sự cố đường truyền',
  }),
);
const commune = await token(code('XNK'), ['provider'], 'xnk-officer');
const registration = step(
  'Ngọk Réo commune asks to connect its office system to the network',
  await call('POST', '/incidents/registrations', commune, {
    kind: 'connect',
    accessPoint: { level: 'II', name: 'UBND xã Ngọk Réo' },
    service: 'kênh truyền số liệu 20 Mbps',
    systemId: 'xnk-motcua',
    justification: 'Kết nối hệ thống một cửa của xã.',
    documentRef: `15/UBND-${suffix}`,
  }),
);
step(
  '  DIC proposes it',
  await call('POST', `/incidents/registrations/${registration?.registrationId}/proposal`, dic, {
    recommendation: 'approve',
    note: 'Đủ điều kiện kỹ thuật',
  }),
);
step(
  "  the People's Committee approves — refused: no passed security assessment on record (001 Điều 7.2)",
  await call('POST', `/incidents/registrations/${registration?.registrationId}/decision`, committee, {
    outcome: 'approved',
    note: 'Đồng ý',
  }),
);

console.log('\n— The audit trail (DOMAIN.md §4)');
await new Promise((r) => setTimeout(r, 1_000)); // the trail records what just happened, a moment later
const auditor = await token(`TTCP${suffix}`, ['auditor']);
const latest = step(
  'an auditor reads the latest entries',
  await call('GET', '/audit/entries?limit=5', auditor),
);
console.log(`  ${latest.items.map((e) => `#${e.seq} ${e.type ?? '(not a CloudEvent)'}`).join('\n  ')}`);
const own = step(
  'the land department reads the entries about itself',
  await call('GET', `/audit/entries?agency=${code('STNMT')}&limit=200`, land),
);
console.log(
  `  ${own.items.length} entries, e.g. ${own.items.find((e) => e.type?.includes('access'))?.payload?.route ?? '—'}`,
);
step(
  "  but not construction's (refused, and the refusal is itself recorded)",
  await call('GET', `/audit/entries?agency=${code('SXD')}`, land),
);
const checkpoint = step('DIC signs the head of the chain', await call('POST', '/audit/checkpoints', dic));
console.log(`  checkpoint #${checkpoint.seq} ${checkpoint.hash.slice(0, 16)}…, key ${checkpoint.keyId}`);
const verified = step(
  'the auditor verifies the whole chain',
  await call('GET', '/audit/verification', auditor),
);
console.log(
  `  ${verified.ok ? 'verified' : `BROKEN: ${verified.firstBreak.reason}`}: ${verified.entriesChecked} entries, ${verified.checkpointsChecked} checkpoint(s)`,
);

console.log(
  `\nDone. Events are on NATS streams CATALOGUE, SHARING, OPENDATA, INCIDENTS, INTAKE and REJECTED, all in the audit trail; API docs at ${base}/catalogue/docs, ${base}/sharing/docs, ${base}/opendata/docs, ${base}/incidents/docs and ${base}/audit/docs`,
);
