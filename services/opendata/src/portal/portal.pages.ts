import type { DatasetDistribution } from '@openlgsp/contracts';
import type { DcatLinks } from '../dcat/dcat.serialiser.js';
import { schemaOrgDataset } from '../dcat/schema-org.js';
import type { CsvPreview } from '../distributions/csv-check.js';
import { daysLate, isOverdue } from '../datasets/freshness.rules.js';
import type { PublicFeedback } from '../feedback/feedback.model.js';
import { frequencyByCode } from '../vocabularies/frequencies.js';
import type { Licence } from '../vocabularies/licences.js';
import { themeByCode } from '../vocabularies/themes.js';
import { html, jsonLdScript, safeHref, type Html } from '@openlgsp/http';
import { dictionary, formatDay, formatInstant, type Dictionary, type Lang } from './portal.i18n.js';
import { apiPaths, portalPaths } from './portal.links.js';
import {
  PORTAL_FACETS,
  type DatasetSummary,
  type FacetValue,
  type FieldProblem,
  type PortalDataset,
  type PortalPublisher,
  type PortalSearchParams,
  type PortalSearchResult,
} from './portal.read-model.js';

/** What every page knows about the request it answers. */
export interface PageContext {
  lang: Lang;
  /** The path and query of this page, for the language switch. */
  currentUrl: string;
}

/** What the sender typed, shown again with the problems when the feedback was not accepted. */
export interface FeedbackForm {
  values: { text: string; name: string; email: string; phone: string };
  problems: FieldProblem[];
  rateLimited: boolean;
}

type Texts = { vi: string; en: string; ru?: string };
/** A text in the page's language; the Vietnamese one when the other is missing. */
const inLang = (text: Partial<Texts>, lang: Lang) => text[lang] || text.vi || text.en || '';
const OTHER: Record<Lang, Lang> = { vi: 'en', en: 'vi' };

function layout(ctx: PageContext, title: string, main: Html, head: Html = html``): Html {
  const t = dictionary(ctx.lang);
  const other = OTHER[ctx.lang];
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${t.siteName}</title>
        <link rel="stylesheet" href="${portalPaths.stylesheet}" />
        <link
          rel="alternate"
          hreflang="${other}"
          href="${portalPaths.switchLanguage(ctx.currentUrl, other)}"
        />
        ${head}
      </head>
      <body>
        <a class="skip" href="#main">${t.skipToContent}</a>
        <header class="site">
          <a class="brand" href="${portalPaths.home(ctx.lang)}">${t.siteName}</a>
          <nav aria-label="${t.switchLanguage}">
            <a href="${portalPaths.switchLanguage(ctx.currentUrl, other)}" hreflang="${other}" lang="${other}"
              >${t.otherLanguageName}</a
            >
          </nav>
        </header>
        <main id="main">${main}</main>
        <footer class="site"><p>${t.siteTagline}</p></footer>
      </body>
    </html> `;
}

function facetLabel(facet: (typeof PORTAL_FACETS)[number], value: FacetValue, lang: Lang): string {
  if (value.label) return inLang(value.label, lang);
  if (facet === 'theme') {
    const theme = themeByCode(value.value);
    if (theme) return theme.label[lang];
  }
  return value.value;
}

function summaryItem(item: DatasetSummary, lang: Lang, t: Dictionary): Html {
  const description = inLang(item.description, lang);
  return html`<li class="result">
    <h3>
      <a href="${portalPaths.dataset(item.datasetId, lang)}">${inLang(item.title, lang)}</a>${
        item.retracted ? html` <span class="badge warn">${t.retracted}</span>` : ''
      }
    </h3>
    <p>${description.length > 280 ? `${description.slice(0, 279)}…` : description}</p>
    <p class="meta">
      ${t.publishedBy}:
      <a href="${portalPaths.publisher(item.publisher.code, lang)}">${item.publisher.name}</a> · ${t.updated}:
      ${formatInstant(lang, item.modified)}${item.formats.map((f) => html` <span class="badge">${f}</span>`)}
    </p>
  </li>`;
}

/** Home: the search box, the facets as checkboxes with counts (one GET form, no script), results, next page. */
export function homePage(ctx: PageContext, params: PortalSearchParams, result: PortalSearchResult): Html {
  const { lang } = ctx;
  const t = dictionary(lang);
  const filtered = PORTAL_FACETS.some((f) => params.filters[f].length > 0);
  const facets = PORTAL_FACETS.filter((f) => result.facets[f].length > 0).map(
    (facet) =>
      html`<fieldset class="facet">
        <legend>${t.facetTitle[facet]}</legend>
        <ul>
          ${result.facets[facet].map((value, i) => {
            const id = `f-${facet}-${i}`;
            return html`<li>
              <input
                type="checkbox"
                id="${id}"
                name="${facet}"
                value="${value.value}"
                ${params.filters[facet].includes(value.value) ? html` checked` : ''}
              />
              <label for="${id}"
                >${facetLabel(facet, value, lang)} <span class="count">(${value.count})</span></label
              >
            </li>`;
          })}
        </ul>
      </fieldset>`,
  );
  const main = html`<h1>${t.siteName}</h1>
    <p class="lead">${t.siteTagline}</p>
    <form method="get" action="${portalPaths.home('vi')}" class="search">
      ${lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
      <div role="search" class="searchbox">
        <label for="q">${t.searchLabel}</label>
        <input
          type="search"
          id="q"
          name="q"
          value="${params.q}"
          placeholder="${t.searchPlaceholder}"
          maxlength="200"
        />
        <button type="submit">${t.searchButton}</button>
      </div>
      <div class="columns">
        <aside class="facets" aria-label="${t.filterButton}">
          ${facets}
          ${facets.length ? html`<button type="submit" class="secondary">${t.filterButton}</button>` : ''}
          ${filtered ? html`<p><a href="${portalPaths.search({ q: params.q }, lang)}">${t.clearFilters}</a></p>` : ''}
        </aside>
        <section class="results" aria-labelledby="results-title">
          <h2 id="results-title">${t.results(result.total, result.items.length)}</h2>
          ${
            result.items.length
              ? html`<ol class="results">
                  ${result.items.map((item) => summaryItem(item, lang, t))}
                </ol>`
              : html`<p>${t.noResults}</p>`
          }
          <nav class="paging" aria-label="${t.paging}">
            ${params.cursor ? html`<a href="${portalPaths.search({ ...params, cursor: undefined }, lang)}">${t.firstPage}</a>` : ''}
            ${result.next ? html`<a rel="next" href="${portalPaths.search({ ...params, cursor: result.next }, lang)}">${t.nextPage}</a>` : ''}
          </nav>
        </section>
      </div>
    </form>`;
  return layout(ctx, t.home, main);
}

function previewTable(preview: CsvPreview, name: string, t: Dictionary): Html {
  // Cells are text nodes, escaped like every other value: a formula or markup stays inert text.
  return html`<div class="preview" role="region" aria-label="${t.preview}: ${name}" tabindex="0">
      <table>
        <caption>
          ${t.previewCaption(preview.rows.length, name)}
        </caption>
        <thead>
          <tr>
            ${preview.columns.map((c) => html`<th scope="col">${c}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${preview.rows.map(
            (row) =>
              html`<tr>
                ${row.map((cell) => html`<td>${cell}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="note">${t.previewNote}</p>`;
}

function distributionItem(
  d: DatasetDistribution,
  preview: CsvPreview | undefined,
  lang: Lang,
  t: Dictionary,
): Html {
  const title = inLang(d.title, lang);
  const link =
    d.kind === 'file' && d.downloadURL
      ? html`<a class="button" href="${safeHref(d.downloadURL)}" download
          >${t.download}<span class="sr"> ${title}</span></a
        >`
      : html`<a class="button" href="${safeHref(d.accessURL)}" rel="noopener"
          >${d.kind === 'service' ? t.openService : t.openLink}<span class="sr"> ${title}</span></a
        >`;
  return html`<li class="distribution" id="distribution-${d.distributionId}">
    <h3>${title}</h3>
    ${d.description ? html`<p>${inLang(d.description, lang)}</p>` : ''}
    <p class="meta">
      ${d.format ? html`<span class="badge">${d.format}</span> ` : ''}${
        d.byteSize !== undefined ? t.bytes(d.byteSize) : ''
      }
    </p>
    <p>${link}</p>
    ${preview ? previewTable(preview, title, t) : ''}
  </li>`;
}

function feedbackList(items: readonly PublicFeedback[], lang: Lang, t: Dictionary): Html {
  if (!items.length) return html`<p>${t.feedbackNone}</p>`;
  return html`<ul class="feedback">
    ${items.map(
      (f) =>
        html`<li>
          <p class="meta">
            <a href="${portalPaths.feedback(f.feedbackId, lang)}"
              >${t.feedbackReceivedOn(formatInstant(lang, f.receivedAt))}</a
            >
            · <span class="badge${f.status === 'answered' ? ' ok' : ''}">${t.status[f.status]}</span>
          </p>
          <blockquote>${paragraphs(f.text)}</blockquote>
          ${
            f.answer
              ? html`<div class="answer">
                  <p class="meta">
                    <strong>${t.answer}</strong> · ${t.answeredOn(formatInstant(lang, f.answer.at))}
                  </p>
                  ${paragraphs(f.answer.text)}
                </div>`
              : ''
          }
        </li>`,
    )}
  </ul>`;
}

const FORM_FIELDS = [
  { name: 'name', path: '/sender/name', type: 'text', autocomplete: 'name' },
  { name: 'email', path: '/sender/email', type: 'email', autocomplete: 'email' },
  { name: 'phone', path: '/sender/phone', type: 'tel', autocomplete: 'tel' },
] as const;

function feedbackFormHtml(datasetId: string, lang: Lang, t: Dictionary, form?: FeedbackForm): Html {
  const problemAt = (path: string) => form?.problems.find((p) => p.path === path);
  const fieldName = (path: string) =>
    (path === '/text' ? 'text' : path.replace('/sender/', '')) as keyof Dictionary['fieldProblem'];
  const summary = form?.rateLimited
    ? html`<div class="alert" role="alert"><p>${t.rateLimited}</p></div>`
    : form?.problems.length
      ? html`<div class="alert" role="alert" tabindex="-1" id="form-problems">
          <p>${t.formHasErrors}</p>
          <ul>
            ${form.problems.map(
              (p) =>
                html`<li>
                  <a href="#fb-${fieldName(p.path)}">${t.fieldProblem[fieldName(p.path)] ?? p.message}</a>
                </li>`,
            )}
          </ul>
        </div>`
      : '';
  const textProblem = problemAt('/text');
  return html`<form
    method="post"
    action="${portalPaths.feedbackForm(datasetId, lang)}"
    class="feedback-form"
    novalidate
  >
    ${summary}
    <div class="field">
      <label for="fb-text">${t.feedbackText}</label>
      <p class="hint" id="fb-text-hint">${t.feedbackTextHint}</p>
      ${textProblem ? html`<p class="problem" id="fb-text-problem">${t.fieldProblem.text}</p>` : ''}
      <textarea
        id="fb-text"
        name="text"
        rows="5"
        maxlength="4000"
        required
        aria-describedby="fb-text-hint${textProblem ? ' fb-text-problem' : ''}"
        ${textProblem ? html` aria-invalid="true"` : ''}
      >
${form?.values.text ?? ''}</textarea>
    </div>
    <p class="hint">${t.contactPrivate}</p>
    ${FORM_FIELDS.map((f) => {
      const problem = problemAt(f.path);
      const label = f.name === 'name' ? t.senderName : f.name === 'email' ? t.senderEmail : t.senderPhone;
      return html`<div class="field">
        <label for="fb-${f.name}">${label} <span class="optional">(${t.optional})</span></label>
        ${problem ? html`<p class="problem" id="fb-${f.name}-problem">${t.fieldProblem[f.name]}</p>` : ''}
        <input
          type="${f.type}"
          id="fb-${f.name}"
          name="${f.name}"
          autocomplete="${f.autocomplete}"
          maxlength="300"
          value="${form?.values[f.name] ?? ''}"
          ${problem ? html` aria-invalid="true" aria-describedby="fb-${f.name}-problem"` : ''}
        />
      </div>`;
    })}
    <button type="submit">${t.send}</button>
  </form>`;
}

function paragraphs(text: string): Html[] {
  return text
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => html`<p>${p}</p>`);
}

export interface DatasetPageView {
  data: PortalDataset;
  feedback: readonly PublicFeedback[];
  now: Date;
  links: DcatLinks;
  licences: readonly Licence[];
  form?: FeedbackForm;
}

/** A dataset: metadata, distributions with previews, freshness, machine-readable links, feedback. */
export function datasetPage(ctx: PageContext, view: DatasetPageView): Html {
  const { lang } = ctx;
  const t = dictionary(lang);
  const { dataset: entry, nextUpdateDue, previews } = view.data;
  const v = entry.version;
  const m = v.metadata;
  const title = inLang(m.title, lang);
  const licence = view.licences.find((l) => l.id === m.license);
  const frequency = frequencyByCode(m.accrualPeriodicity);
  const state = {
    status: entry.retracted ? ('retracted' as const) : ('published' as const),
    latestVersion: v.version,
    nextUpdateDue,
  };
  const overdue = isOverdue(state, view.now);
  const places = [m.spatial.commune, m.spatial.district, m.spatial.province].filter((u) => u !== undefined);
  const row = (label: string, value: Html | string) =>
    html`<tr>
      <th scope="row">${label}</th>
      <td>${value}</td>
    </tr>`;
  const main = html`<nav aria-label="breadcrumb" class="crumbs">
      <a href="${portalPaths.home(lang)}">${t.home}</a> › <span aria-current="page">${title}</span>
    </nav>
    <h1>${title}</h1>
    ${entry.retracted ? html`<p class="alert" role="status">${t.retractedNotice}</p>` : ''}
    <section aria-labelledby="about">
      <h2 id="about">${t.about}</h2>
      ${paragraphs(inLang(m.description, lang))}
    </section>
    <section aria-labelledby="freshness">
      <h2 id="freshness">${t.freshness}</h2>
      <p>
        ${
          nextUpdateDue
            ? html`${t.nextUpdateDue(formatDay(lang, nextUpdateDue))}
              ${
                overdue
                  ? html`<span class="badge warn">${t.overdue(daysLate(state, view.now))}</span>`
                  : html`<span class="badge ok">${t.onTime}</span>`
              }`
            : t.noUpdateDue
        }
      </p>
    </section>
    <section aria-labelledby="distributions">
      <h2 id="distributions">${t.distributions}</h2>
      <ul class="distributions">
        ${v.distributions.map((d) => distributionItem(d, previews[d.distributionId], lang, t))}
      </ul>
      <h3>${t.machineReadable}</h3>
      <ul class="api">
        <li><a href="${apiPaths.dcatJsonLd(v.datasetId)}" type="application/ld+json">${t.dcatJsonLd}</a></li>
        <li><a href="${apiPaths.dcatTurtle(v.datasetId)}" type="text/turtle">${t.dcatTurtle}</a></li>
        <li>
          <a href="${apiPaths.ckanPackageShow(v.datasetId)}" type="application/json">${t.ckanPackage}</a>
        </li>
      </ul>
    </section>
    <section aria-labelledby="metadata">
      <h2 id="metadata">${t.metadata}</h2>
      <table class="metadata">
        ${row(t.field.publisher, html`<a href="${portalPaths.publisher(m.publisher.agency, lang)}">${m.publisher.name}</a>`)}
        ${row(t.field.themes, m.themes.map((c) => themeByCode(c)?.label[lang] ?? c).join('; '))}
        ${row(t.field.keywords, [...(m.keywords[lang] ?? []), ...(lang === 'vi' ? [] : m.keywords.vi)].join(', '))}
        ${row(t.field.licence, licence ? html`<a href="${safeHref(licence.url)}">${licence.title}</a>` : m.license)}
        ${row(t.field.frequency, frequency?.label[lang] ?? m.accrualPeriodicity)}
        ${row(t.field.spatial, places.map((u) => u.name).join(', '))}
        ${m.temporal ? row(t.field.temporal, `${m.temporal.start ? formatDay(lang, m.temporal.start) : '…'} – ${m.temporal.end ? formatDay(lang, m.temporal.end) : '…'}`) : ''}
        ${row(t.field.version, String(v.version))} ${row(t.field.issued, formatInstant(lang, entry.issued))}
        ${row(t.field.modified, formatInstant(lang, v.publishedAt))}
        ${row(t.field.contact, html`${m.contactPoint.name}${m.contactPoint.email ? html` · <a href="mailto:${m.contactPoint.email}">${m.contactPoint.email}</a>` : ''}`)}
        ${row(t.field.legalBasis, m.legalBasis.map((b) => `${b.instrument}${b.article ? `, ${t.article(b.article)}` : ''}`).join('; '))}
        ${row(t.field.identifier, v.datasetId)}
      </table>
    </section>
    <section aria-labelledby="feedback">
      <h2 id="feedback">${t.feedback}</h2>
      <p>${t.feedbackIntro}</p>
      ${feedbackList(view.feedback, lang, t)}
      ${entry.retracted ? '' : feedbackFormHtml(v.datasetId, lang, t, view.form)}
    </section>`;
  return layout(ctx, title, main, jsonLdScript(schemaOrgDataset(entry, view.links, view.licences)));
}

/** A publisher (the owning agency) and its open datasets. */
export function publisherPage(ctx: PageContext, publisher: PortalPublisher): Html {
  const { lang } = ctx;
  const t = dictionary(lang);
  const title = t.publisherPageTitle(publisher.name);
  const main = html`<nav aria-label="breadcrumb" class="crumbs">
      <a href="${portalPaths.home(lang)}">${t.home}</a> › <span aria-current="page">${publisher.name}</span>
    </nav>
    <h1>${title}</h1>
    <h2>${t.publisherDatasets(publisher.datasets.length)}</h2>
    ${
      publisher.datasets.length
        ? html`<ol class="results">
            ${publisher.datasets.map((item) => summaryItem(item, lang, t))}
          </ol>`
        : html`<p>${t.noResults}</p>`
    }`;
  return layout(ctx, title, main);
}

/** One feedback as anyone may read it: text, status, answer; never who sent it. */
export function feedbackPage(
  ctx: PageContext,
  feedback: PublicFeedback,
  about: { datasetId: string; title: Texts } | null,
  sent: boolean,
): Html {
  const { lang } = ctx;
  const t = dictionary(lang);
  const main = html`<nav aria-label="breadcrumb" class="crumbs">
      <a href="${portalPaths.home(lang)}">${t.home}</a> ›
      <span aria-current="page">${t.feedbackPageTitle}</span>
    </nav>
    <h1>${t.feedbackPageTitle}</h1>
    ${
      sent
        ? html`<div class="confirm" role="status">
            <p><strong>${t.feedbackSent}</strong></p>
            <p>${t.feedbackKeepLink}</p>
          </div>`
        : ''
    }
    ${
      about
        ? html`<p>
            ${t.feedbackAbout}:
            <a href="${portalPaths.dataset(about.datasetId, lang)}">${inLang(about.title, lang)}</a>
          </p>`
        : ''
    }
    ${feedbackList([feedback], lang, t)} ${feedback.answer ? '' : html`<p>${t.awaitingAnswer}</p>`}`;
  return layout(ctx, t.feedbackPageTitle, main);
}

export function notFoundPage(ctx: PageContext): Html {
  const t = dictionary(ctx.lang);
  return layout(
    ctx,
    t.notFoundTitle,
    html`<h1>${t.notFoundTitle}</h1>
      <p>${t.notFoundText}</p>
      <p><a href="${portalPaths.home(ctx.lang)}">${t.backHome}</a></p>`,
  );
}
