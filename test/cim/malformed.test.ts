import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CimMessageError,
  collectCimMessage,
  failureMessage,
  readCimMessage,
  replyFailed,
  writeCimMessageText,
} from '../../src/cim';
import { messageXsd, SHARED_MISSING, xmllintErrors } from './support';
import { XMLLINT_MISSING } from '../support/xmllint';

const MSG = 'http://iec.ch/TC57/2011/schema/message';
const MR = 'http://iec.ch/TC57/2011/MeterReadings#';

async function refusal(xml: string | Iterable<string>): Promise<CimMessageError> {
  try {
    await collectCimMessage(readCimMessage(typeof xml === 'string' ? [xml] : xml));
  } catch (err) {
    assert.ok(err instanceof CimMessageError, `expected a CimMessageError, got ${String(err)}`);
    return err;
  }
  return assert.fail('the message was accepted');
}

const header = (verb: string, noun: string, extra = '') =>
  `<Header><Verb>${verb}</Verb><Noun>${noun}</Noun>${extra}</Header>`;

test('refused messages: each with our code, the 61968-100 reply code and a reason', async () => {
  const cases: [string, string, string, string][] = [
    ['not XML', 'meter 42: 0.25 kWh', 'xml-malformed', '1.8'],
    ['nothing at all', '', 'xml-empty', '1.8'],
    ['broken XML', `<RequestMessage xmlns="${MSG}"><Header></RequestMessage>`, 'xml-malformed', '1.8'],
    ['truncated', `<RequestMessage xmlns="${MSG}">${header('get', 'MeterReadings')}`, 'xml-truncated', '1.8'],
    ['wrong root', '<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>', 'not-a-message', '1.8'],
    [
      'empty SOAP body',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
      'not-a-message',
      '1.8',
    ],
    [
      'SOAP fault',
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault/></s:Body></s:Envelope>',
      'soap-fault',
      '1.8',
    ],
    [
      'no Header',
      `<EventMessage xmlns="${MSG}"><Payload><MeterReadings xmlns="${MR}"/></Payload></EventMessage>`,
      'header-missing',
      '1.5',
    ],
    [
      'no Verb',
      `<EventMessage xmlns="${MSG}"><Header><Noun>MeterReadings</Noun></Header></EventMessage>`,
      'verb-missing',
      '1.5',
    ],
    [
      'no Noun',
      `<EventMessage xmlns="${MSG}"><Header><Verb>created</Verb></Header></EventMessage>`,
      'noun-missing',
      '1.5',
    ],
    [
      'unknown verb',
      `<EventMessage xmlns="${MSG}">${header('pushed', 'MeterReadings')}</EventMessage>`,
      'verb-invalid',
      '2.9',
    ],
    [
      'verb of another kind',
      `<EventMessage xmlns="${MSG}">${header('get', 'MeterReadings')}</EventMessage>`,
      'verb-kind-mismatch',
      '2.9',
    ],
    [
      'reply verb in a request',
      `<RequestMessage xmlns="${MSG}">${header('reply', 'MeterReadings')}</RequestMessage>`,
      'verb-kind-mismatch',
      '2.9',
    ],
    [
      'noun not handled',
      `<EventMessage xmlns="${MSG}">${header('created', 'EndDeviceEvents')}</EventMessage>`,
      'noun-unsupported',
      '2.5',
    ],
    [
      'payload of another noun',
      `<EventMessage xmlns="${MSG}">${header('created', 'MeterReadings')}<Payload><EndDeviceEvents xmlns="http://iec.ch/TC57/2011/EndDeviceEvents#"/></Payload></EventMessage>`,
      'noun-payload-mismatch',
      '2.5',
    ],
    [
      'response without Reply',
      `<ResponseMessage xmlns="${MSG}">${header('reply', 'MeterReadings')}</ResponseMessage>`,
      'reply-missing',
      '1.8',
    ],
    [
      'bad Result',
      `<ResponseMessage xmlns="${MSG}">${header('reply', 'MeterReadings')}<Reply><Result>MAYBE</Result></Reply></ResponseMessage>`,
      'reply-result-invalid',
      '1.8',
    ],
    [
      'bad StartTime',
      `<RequestMessage xmlns="${MSG}">${header('get', 'MeterReadings')}<Request><StartTime>last week</StartTime></Request></RequestMessage>`,
      'request-time-invalid',
      '1.8',
    ],
    [
      'compressed payload',
      `<EventMessage xmlns="${MSG}">${header('created', 'MeterReadings')}<Payload><Compressed>H4sI</Compressed></Payload></EventMessage>`,
      'payload-unsupported',
      '1.8',
    ],
  ];
  for (const [what, xml, code, replyCode] of cases) {
    const err = await refusal(xml);
    assert.equal(err.code, code, what);
    assert.equal(err.replyCode, replyCode, what);
    assert.ok(err.message.length > 10, what);
    const reply = replyFailed(err);
    assert.equal(reply.result, 'FAILED');
    assert.equal(reply.errors?.[0].code, replyCode);
    assert.equal(reply.errors?.[0].details, err.message);
  }
});

test('hostile input: DTDs (XXE, entity expansion) are refused before anything is resolved; depth is bounded', async () => {
  const xxe = await refusal(
    `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<RequestMessage xmlns="${MSG}"><Header><Verb>get</Verb><Noun>&x;</Noun></Header></RequestMessage>`,
  );
  assert.equal(xxe.code, 'xml-dtd-refused');
  assert.equal(xxe.replyCode, '7.7');
  assert.equal(xxe.line, 2);
  const laughs = ['<!ENTITY l0 "lol">'];
  for (let i = 1; i < 10; i++) laughs.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  assert.equal(
    (await refusal(`<!DOCTYPE r [${laughs.join('')}]><RequestMessage xmlns="${MSG}">&l9;</RequestMessage>`)).code,
    'xml-dtd-refused',
  );
  const deep = `<EventMessage xmlns="${MSG}">${header('created', 'MeterReadings')}<Payload><MeterReadings xmlns="${MR}">${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}</MeterReadings></Payload></EventMessage>`;
  assert.equal((await refusal(deep)).code, 'xml-too-deep');
  assert.equal((await refusal([Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]) as unknown as string])).code, 'not-utf8');
});

test('a refusal after the Header keeps it, so the FAILED reply echoes the correlation', async () => {
  const err = await refusal(
    `<EventMessage xmlns="${MSG}">${header('created', 'MeterReadings', '<MessageID>m-1</MessageID><CorrelationID>c-9</CorrelationID>')}<Payload><EndDeviceEvents xmlns="x"/></Payload></EventMessage>`,
  );
  assert.equal(err.header?.correlationId, 'c-9');
  const answer = failureMessage(err, { source: 'usage-portal' });
  assert.equal(answer.kind, 'response');
  assert.deepEqual(answer.header, {
    verb: 'reply',
    noun: 'MeterReadings',
    source: 'usage-portal',
    correlationId: 'c-9',
  });
});

test('FAILED answers validate strictly: a ResponseMessage when the Header was read, else a FaultMessage', async (t) => {
  if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
  const xsd = messageXsd();
  if (!xsd) return t.skip(SHARED_MISSING);
  const withHeader = await refusal(
    `<EventMessage xmlns="${MSG}">${header('created', 'Nonsense', '<MessageID>m-1</MessageID>')}</EventMessage>`,
  );
  const notXml = await refusal('%PDF-1.4');
  for (const err of [withHeader, notXml]) {
    const xml = await writeCimMessageText(failureMessage(err));
    assert.equal(xmllintErrors(xml, xsd), '', xml);
    const { summary } = await collectCimMessage(readCimMessage([xml], { nouns: ['MeterReadings', 'Nonsense'] }));
    assert.equal(summary.envelope.reply?.result, 'FAILED');
    assert.equal(summary.envelope.kind, err === notXml ? 'fault' : 'response');
  }
});
