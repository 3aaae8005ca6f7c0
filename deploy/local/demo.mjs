// A small realistic province walked through the catalogue's flows against the running platform
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
console.log(
  `\nDone. Events are on NATS streams CATALOGUE, INTAKE and REJECTED; API docs at ${base}/catalogue/docs`,
);
