/**
 * Query parameters that only say how a visitor arrived (campaign, click and analytics ids),
 * never which page it is. Removed by default (issue: tracking parameters reached the server
 * and split one page into two views); the setting "Keep tracking parameters" keeps them.
 * Compared case-insensitively; a trailing `*` matches any suffix.
 *
 * Sources, checked against each vendor's own documentation of the parameter it adds:
 * Google Analytics / Ads (`utm_*` campaign tags, `gclid`, `dclid`, `gbraid`, `wbraid`,
 * `_ga`, `_gl`), Meta (`fbclid`, `igshid`), Microsoft Advertising (`msclkid`), Mailchimp
 * (`mc_cid`, `mc_eid`), Yandex (`yclid`, `_openstat`), X/Twitter (`twclid`), TikTok
 * (`ttclid`), LinkedIn (`li_fat_id`), Olytics (`oly_*`), Vero (`vero_*`), HubSpot (`__hs*`,
 * `_hsenc`, `_hsmi`, `hsCtaTracking`), Marketo (`mkt_tok`), Matomo/Piwik (`mtm_*`, `pk_*`),
 * Adobe (`s_cid`), Pinterest (`epik`), Snapchat (`sccid`), Reddit (`rdt_cid`), Klaviyo
 * (`_kx`), Google's own `srsltid` (Merchant Center auto-tagging). Parameters that sites also
 * use for content (`ref`, `source`, `cid`) are deliberately not listed: removing one would
 * record another page than the one read.
 */
export const TRACKING_QUERY_PARAMS: readonly string[] = [
  'utm_*',
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  'igshid',
  '_ga',
  '_gl',
  'yclid',
  '_openstat',
  'twclid',
  'ttclid',
  'li_fat_id',
  'oly_*',
  'vero_*',
  '__hs*',
  '_hsenc',
  '_hsmi',
  'hsctatracking',
  'mkt_tok',
  'mtm_*',
  'pk_*',
  's_cid',
  'epik',
  'sccid',
  'rdt_cid',
  '_kx',
  'srsltid',
];
