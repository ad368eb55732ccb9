// The demo customer page: plain DOM and SVG over the public GraphQL API, with the queries a web team would write.
// The token lives in this module only: never in a URL, a cookie or storage.

const DAYS = 30;
const SVG = 'http://www.w3.org/2000/svg';

const CUSTOMER_QUERY = `query DemoCustomer {
  viewer {
    customer {
      name
      kind
      accounts(first: 5) {
        edges { node {
          accountNumber
          usagePoints(first: 10) {
            edges { node {
              id
              name
              serviceCategory
              timeZone
              serviceLocation { streetAddress city stateOrProvince country }
              meterReadings(first: 10) { edges { node { readingType { flowDirection unitSymbol } } } }
            } }
          }
        } }
      }
    }
  }
}`;

const USAGE_QUERY = `query DailyUsage($id: ID!, $from: DateTime!, $to: DateTime!, $direction: FlowDirection) {
  usagePoint(id: $id) {
    usage(from: $from, to: $to, resolution: DAY, direction: $direction) {
      unitSymbol
      currency
      total
      cost
      buckets { start end value cost readings expected estimated }
    }
    completeness(from: $from, to: $to, direction: $direction) { dataThrough }
    summaries(first: 3, orderBy: PERIOD_START_DESC) {
      edges { node { billingPeriodStart billingPeriodEnd billLastPeriod currency } }
    }
  }
}`;

const INTERVALS_QUERY = `query DayIntervals($id: ID!, $from: DateTime!, $to: DateTime!, $direction: FlowDirection) {
  usagePoint(id: $id) {
    intervals(from: $from, to: $to, first: 200, direction: $direction) {
      edges { node { start end value cost estimated } }
    }
  }
}`;

const DIRECTION_LABELS = { DELIVERED: 'From the grid', RECEIVED: 'To the grid', NET: 'Net' };

const state = { token: null, usagePoints: [], usagePoint: null, direction: 'DELIVERED', series: null };
const $ = (id) => document.getElementById(id);

class ApiError extends Error {}

async function graphql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) throw new ApiError('Your demo session has expired: sign in again.');
  if (!response.ok || body.errors?.length)
    throw new ApiError(body.errors?.[0]?.message ?? body.error ?? `HTTP ${response.status}`);
  return body.data;
}

// ---- time and number formatting, in the usage point's zone and locale ----

/** The locale of a country (ISO 3166 code), e.g. US → en-US; the browser's own when the country is unknown. */
function localeFor(country) {
  try {
    if (country && /^[A-Za-z]{2}$/.test(country)) {
      const locale = new Intl.Locale(`und-${country.toUpperCase()}`).maximize();
      return `${locale.language}-${locale.region}`;
    }
  } catch {
    // An unknown region: the browser's locale below.
  }
  return navigator.language || 'en-US';
}

function zoneOffsetMs(zone, instant) {
  const parts = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  for (const part of format.formatToParts(instant)) parts[part.type] = Number(part.value);
  return (
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) -
    Math.floor(instant / 1000) * 1000
  );
}

/** The instant a local calendar date starts in `zone` (Date.UTC normalises day overflow, so day may be negative). */
function localMidnight(zone, year, month, day) {
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - zoneOffsetMs(zone, wall);
  return new Date(wall - zoneOffsetMs(zone, first));
}

/** The last DAYS complete local days: from midnight DAYS days ago to midnight today, in the usage point's zone. */
function lastDays(zone) {
  const today = {};
  for (const part of new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(new Date())) {
    today[part.type] = Number(part.value);
  }
  return {
    from: localMidnight(zone, today.year, today.month, today.day - DAYS),
    to: localMidnight(zone, today.year, today.month, today.day),
  };
}

function formats(usagePoint, series) {
  const locale = localeFor(usagePoint.serviceLocation?.country);
  const zone = usagePoint.timeZone;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const money = series?.currency
    ? new Intl.NumberFormat(locale, { style: 'currency', currency: series.currency })
    : null;
  // Decimal strings go to Intl as they are: it formats them exactly, without a float in between.
  const value = (decimal) => `${number.format(decimal)} ${series?.unitSymbol ?? ''}`.trim();
  const moneyOf = (decimal) => (decimal == null ? '—' : money ? money.format(decimal) : number.format(decimal));
  return {
    value,
    money: moneyOf,
    valueAndCost: (item) => (item.cost == null ? value(item.value) : `${value(item.value)}, ${moneyOf(item.cost)}`),
    day: new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric' }),
    shortDay: new Intl.DateTimeFormat(locale, { timeZone: zone, month: 'numeric', day: 'numeric' }),
    time: new Intl.DateTimeFormat(locale, { timeZone: zone, hour: 'numeric', minute: '2-digit' }),
    dateTime: new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }),
    date: new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium' }),
    zone,
  };
}

// ---- drawing ----

function svgElement(name, attributes = {}) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/**
 * Bars over a zero line. Heights need numbers; the exact Decimal strings stay on each bar (data-value) and in
 * every text shown.
 */
function barChart({ container, height, bars, label, tickEvery, tickLabel, scaleLabel, onSelect }) {
  // Drawn at the container's own width, so text keeps its size on a phone and on a desktop.
  const width = Math.max(container.clientWidth, 280);
  const pad = { left: 4, right: 4, top: 20, bottom: 24 };
  const numbers = bars.map((b) => Number(b.value));
  const max = Math.max(0, ...numbers);
  const min = Math.min(0, ...numbers);
  const span = max - min || 1;
  const y = (v) => pad.top + ((max - v) / span) * (height - pad.top - pad.bottom);
  const slot = (width - pad.left - pad.right) / Math.max(bars.length, 1);
  const svg = svgElement('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': label,
    class: 'chart',
  });
  const scale = svgElement('text', { x: pad.left, y: 12, class: 'tick' });
  scale.textContent = scaleLabel(String(max));
  svg.append(
    scale,
    svgElement('line', { x1: pad.left, x2: width - pad.right, y1: pad.top, y2: pad.top, class: 'grid' }),
  );
  svg.append(svgElement('line', { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: 'axis' }));
  bars.forEach((bar, i) => {
    const x = pad.left + i * slot + slot * 0.1;
    const top = Math.min(y(numbers[i]), y(0));
    // A day without readings still gets a mark on the zero line: a gap must show, not vanish.
    const barHeight = bar.readings === 0 ? 3 : Math.max(Math.abs(y(numbers[i]) - y(0)), 1);
    const rect = svgElement('rect', {
      x,
      y: bar.readings === 0 ? y(0) - 3 : top,
      width: slot * 0.8,
      height: barHeight,
      class: `bar ${bar.kind}`,
      'data-start': bar.start,
      'data-end': bar.end,
      'data-value': bar.value,
      'data-index': i,
    });
    const title = svgElement('title');
    title.textContent = bar.title;
    rect.append(title);
    if (onSelect) rect.addEventListener('click', () => onSelect(i));
    svg.append(rect);
    if (i % tickEvery === 0) {
      // The first label starts at the bar rather than centring on it, so it is not cut at the edge.
      const text = svgElement('text', {
        x: i === 0 ? pad.left : x + slot * 0.4,
        y: height - 6,
        class: 'tick',
        'text-anchor': i === 0 ? 'start' : 'middle',
      });
      text.textContent = tickLabel(bar);
      svg.append(text);
    }
  });
  return svg;
}

function bucketKind(bucket) {
  if (bucket.readings === 0) return 'gap';
  if (bucket.expected != null && bucket.readings < bucket.expected) return 'incomplete';
  if (bucket.estimated > 0) return 'estimated';
  return 'measured';
}

const KIND_NOTES = {
  gap: 'no readings',
  incomplete: 'readings missing',
  estimated: 'includes estimates',
  measured: '',
};

// ---- the page ----

function setStatus(message) {
  $('status').textContent = message;
}

async function signIn() {
  const button = $('sign-in');
  button.disabled = true;
  $('sign-in-error').hidden = true;
  try {
    const response = await fetch('/demo/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(body.error ?? `HTTP ${response.status}`);
    state.token = body.token;
    await showCustomer();
  } catch (error) {
    state.token = null;
    $('sign-in-error').textContent = `Could not sign in: ${error.message}`;
    $('sign-in-error').hidden = false;
  } finally {
    button.disabled = false;
  }
}

function signOut(message = '') {
  state.token = null;
  state.usagePoints = [];
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
  $('sign-in-error').textContent = message;
  $('sign-in-error').hidden = !message;
  $('sign-in').focus();
}

async function showCustomer() {
  const data = await graphql(CUSTOMER_QUERY);
  const customer = data.viewer?.customer;
  if (!customer) throw new ApiError('the token names no customer');
  state.usagePoints = customer.accounts.edges.flatMap(({ node: account }) =>
    account.usagePoints.edges.map(({ node }) => ({ ...node, accountNumber: account.accountNumber })),
  );
  $('customer-name').textContent = customer.name ?? 'Demo customer';
  $('customer-meta').textContent = [
    customer.kind,
    `${state.usagePoints.length} usage point${state.usagePoints.length === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const select = $('usage-point');
  select.replaceChildren(
    ...state.usagePoints.map((up) => {
      const place = up.serviceLocation
        ? [up.serviceLocation.streetAddress, up.serviceLocation.city].filter(Boolean).join(', ')
        : '';
      return new Option(
        `${up.serviceCategory.toLowerCase()} · ${place || up.name || up.accountNumber || up.id}`,
        up.id,
      );
    }),
  );
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  if (state.usagePoints.length === 0) return setStatus('This customer has no usage points yet.');
  await selectUsagePoint(state.usagePoints[0].id);
  $('customer-name').focus();
}

async function selectUsagePoint(id) {
  const usagePoint = state.usagePoints.find((up) => up.id === id);
  state.usagePoint = usagePoint;
  const directions = [
    ...new Set(usagePoint.meterReadings.edges.map(({ node }) => node.readingType?.flowDirection).filter(Boolean)),
  ];
  const order = Object.keys(DIRECTION_LABELS);
  directions.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  state.direction = directions.includes(state.direction) ? state.direction : (directions[0] ?? 'DELIVERED');
  $('directions').hidden = directions.length < 2;
  $('direction-options').replaceChildren(
    ...directions.map((direction) => {
      const label = document.createElement('label');
      const input = Object.assign(document.createElement('input'), {
        type: 'radio',
        name: 'direction',
        value: direction,
        checked: direction === state.direction,
      });
      input.addEventListener('change', () => {
        state.direction = direction;
        loadUsage();
      });
      label.append(input, ` ${DIRECTION_LABELS[direction] ?? direction}`);
      return label;
    }),
  );
  await loadUsage();
}

async function loadUsage() {
  const usagePoint = state.usagePoint;
  const { from, to } = lastDays(usagePoint.timeZone);
  setStatus('Loading usage…');
  $('day').hidden = true;
  try {
    const data = await graphql(USAGE_QUERY, {
      id: usagePoint.id,
      from: from.toISOString(),
      to: to.toISOString(),
      direction: state.direction,
    });
    if (usagePoint !== state.usagePoint) return;
    drawUsage(usagePoint, data.usagePoint);
    setStatus('');
  } catch (error) {
    handleError(error);
  }
}

function drawUsage(usagePoint, data) {
  const series = data?.usage;
  state.series = series;
  const f = formats(usagePoint, series);
  if (!series) {
    $('chart').replaceChildren();
    return setStatus('No usage in this direction.');
  }
  $('total').textContent = f.value(series.total);
  $('total-cost').textContent = f.money(series.cost);
  const through = data.completeness?.dataThrough;
  $('data-through').textContent = through ? `${f.dateTime.format(new Date(through))} (${f.zone})` : 'no readings yet';
  const buckets = series.buckets;
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const range = first
    ? `${f.date.format(new Date(first.start))} to ${f.date.format(new Date(new Date(last.end).getTime() - 1))}`
    : '';
  const bars = buckets.map((b) => {
    const kind = bucketKind(b);
    const note = KIND_NOTES[kind];
    return { ...b, kind, title: `${f.day.format(new Date(b.start))}: ${f.valueAndCost(b)}${note ? ` (${note})` : ''}` };
  });
  // Which series the chart shows, for scripts that wait on it (the browser test).
  $('chart').dataset.series = `${usagePoint.id} ${state.direction}`;
  $('chart').replaceChildren(
    barChart({
      container: $('chart'),
      height: 240,
      scaleLabel: f.value,
      bars,
      label: `Usage by day, ${range}: ${f.value(series.total)} in total, ${f.money(series.cost)}`,
      tickEvery: 7,
      tickLabel: (bar) => f.shortDay.format(new Date(bar.start)),
      onSelect: (i) => showDay(i),
    }),
  );
  $('days-body').replaceChildren(
    ...bars.map((bar, i) => {
      const row = document.createElement('tr');
      const dayCell = document.createElement('td');
      const button = Object.assign(document.createElement('button'), {
        type: 'button',
        className: 'link',
        textContent: f.day.format(new Date(bar.start)),
      });
      button.addEventListener('click', () => showDay(i));
      dayCell.append(button);
      const cells = [
        f.value(bar.value),
        f.money(bar.cost),
        `${bar.readings}${bar.expected != null ? ` of ${bar.expected}` : ''}${bar.estimated ? `, ${bar.estimated} estimated` : ''}`,
      ].map((text) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        return cell;
      });
      row.append(dayCell, ...cells);
      return row;
    }),
  );
  const bills = data.summaries?.edges ?? [];
  $('bills').hidden = bills.length === 0;
  $('bills-list').replaceChildren(
    ...bills.map(({ node }) => {
      const item = document.createElement('li');
      const money = node.currency
        ? new Intl.NumberFormat(localeFor(usagePoint.serviceLocation?.country), {
            style: 'currency',
            currency: node.currency,
          })
        : null;
      const amount =
        node.billLastPeriod == null ? '—' : money ? money.format(node.billLastPeriod) : node.billLastPeriod;
      item.textContent = `${f.date.format(new Date(node.billingPeriodStart))} – ${f.date.format(new Date(node.billingPeriodEnd))}: ${amount}`;
      return item;
    }),
  );
}

async function showDay(index) {
  const usagePoint = state.usagePoint;
  const bucket = state.series.buckets[index];
  const f = formats(usagePoint, state.series);
  document.querySelectorAll('#chart .bar.selected').forEach((bar) => bar.classList.remove('selected'));
  document.querySelector(`#chart .bar[data-index="${index}"]`)?.classList.add('selected');
  $('day').hidden = false;
  $('day-title').textContent = `${f.day.format(new Date(bucket.start))}: ${f.valueAndCost(bucket)}`;
  $('day-chart').replaceChildren();
  $('day-meta').textContent = 'Loading intervals…';
  try {
    const data = await graphql(INTERVALS_QUERY, {
      id: usagePoint.id,
      from: bucket.start,
      to: bucket.end,
      direction: state.direction,
    });
    if (usagePoint !== state.usagePoint) return;
    const intervals = (data.usagePoint?.intervals?.edges ?? []).map(({ node }) => ({
      ...node,
      readings: 1,
      kind: node.estimated ? 'estimated' : 'measured',
      title: `${f.time.format(new Date(node.start))}–${f.time.format(new Date(node.end))}: ${f.valueAndCost(node)}${node.estimated ? ' (estimated)' : ''}`,
    }));
    const perHour = Math.max(1, Math.round(intervals.length / 24));
    $('day-chart').replaceChildren(
      barChart({
        container: $('day-chart'),
        height: 160,
        scaleLabel: f.value,
        bars: intervals,
        label: `Intervals of ${f.day.format(new Date(bucket.start))}: ${intervals.length} readings`,
        tickEvery: perHour * 6,
        tickLabel: (bar) => f.time.format(new Date(bar.start)),
      }),
    );
    $('day-meta').textContent =
      `${intervals.length} interval readings${bucket.expected != null ? ` of ${bucket.expected} expected` : ''}, times in ${f.zone}.`;
  } catch (error) {
    handleError(error);
  }
}

function handleError(error) {
  if (error instanceof ApiError && /expired/.test(error.message)) return signOut(error.message);
  setStatus(`Something went wrong: ${error.message}`);
}

$('sign-in').addEventListener('click', signIn);
$('sign-out').addEventListener('click', () => signOut());
$('usage-point').addEventListener('change', (event) => selectUsagePoint(event.target.value));
