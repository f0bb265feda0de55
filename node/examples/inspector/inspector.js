// The inspector's logic: parse a pasted delivery and check a webhook definition with the SDK's browser build.
import { parseEvent, eventClass, validateWebhook, MeetergoError, CORE_VERSION } from '../../web/index.js';

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function localTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : `${date.toLocaleString()} (sent as ${iso})`;
}

function person(p) {
  const name = p.fullname ?? p.fullName ?? [p.firstname ?? p.givenName, p.lastname ?? p.familyName].filter(Boolean).join(' ');
  return [name, p.email && `<${p.email}>`].filter(Boolean).join(' ') || '(no name)';
}

/** A secret shown as its first four characters and a mask: enough to recognise it, never enough to use it. */
function redacted(secret) {
  return secret ? `${secret.slice(0, 4)}${'•'.repeat(8)} (redacted, ${secret.length} characters)` : '(none)';
}

function showError(target, error) {
  target.replaceChildren();
  const box = element('div', undefined, 'error');
  box.id = `${target.id}-error`;
  if (error instanceof MeetergoError) {
    box.append(element('strong', `${error.name} (${error.code})`));
    const details = [error.kind && `kind ${error.kind}`, error.field && `field ${error.field}`, error.path !== undefined && `at ${error.path || '(the payload)'}`, error.line && `line ${error.line}, column ${error.column}`].filter(Boolean);
    if (details.length) box.append(element('div', details.join(' · ')));
    box.append(element('div', error.message, 'message'));
  } else {
    box.append(element('strong', String(error)));
  }
  target.append(box);
}

function list(items, render) {
  const ul = element('ul');
  for (const item of items ?? []) ul.append(element('li', render(item)));
  return items && items.length ? ul : element('span', '(none)');
}

function inspectDelivery() {
  const target = $('event');
  let event;
  try {
    event = parseEvent($('body').value);
  } catch (error) {
    showError(target, error);
    return;
  }
  const rows = [
    ['Type', `${event.webhookType} (${eventClass(event)})`],
    ['Idempotency key', event.idempotencyKey],
  ];
  if (event.start) rows.push(['Start', localTime(event.start)], ['End', localTime(event.end)]);
  if (event.id) rows.push(['Id', event.id]);
  if ('secret' in event) rows.push(['Secret', redacted(event.secret)]);
  const dl = element('dl', undefined, 'ok');
  dl.id = 'event-details';
  for (const [term, value] of rows) {
    dl.append(element('dt', term));
    const dd = element('dd');
    dd.dataset.field = term.toLowerCase().replace(/ /g, '-');
    dd.append(element('code', value));
    dl.append(dd);
  }
  for (const [term, people] of [
    ['Attendees', event.attendees],
    ['Hosts', event.hosts],
  ]) {
    if (!people) continue;
    dl.append(element('dt', term));
    const dd = element('dd');
    dd.dataset.field = term.toLowerCase();
    dd.append(list(people, person));
    dl.append(dd);
  }
  target.replaceChildren(dl);
}

function checkDefinition(submit) {
  submit.preventDefault();
  const target = $('definition');
  try {
    const checked = validateWebhook({
      endpoint: $('endpoint').value.trim(),
      eventTypes: $('eventTypes').value.split(',').map((t) => t.trim()).filter(Boolean),
      description: $('description').value.trim() || undefined,
    });
    const box = element('div', undefined, 'ok');
    box.id = 'definition-ok';
    box.append(element('strong', 'Valid: meetergo would accept this webhook.'));
    box.append(element('pre', JSON.stringify(checked, null, 2)));
    target.replaceChildren(box);
  } catch (error) {
    showError(target, error);
  }
}

$('parse').addEventListener('click', inspectDelivery);
$('webhook').addEventListener('submit', checkDefinition);
document.body.dataset.ready = CORE_VERSION;
