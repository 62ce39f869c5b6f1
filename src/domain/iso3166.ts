/**
 * The ISO 3166 facts the region rules need, and nothing more: which two-letter codes are countries, a few
 * legacy spellings, and the subdivisions (ISO 3166-2) of the countries whose stores send state names.
 * Kept as data so a reviewer can check it against the standard line by line.
 */

/** Every ISO 3166-1 alpha-2 code (249), plus XK (Kosovo: user-assigned, but what shops send). */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
   CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
   GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
   JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
   MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
   RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
   TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK`.split(/\s+/),
)

/** Codes in use that are not ISO's for the same country: `UK` (ISO reserves it), `EL` (the EU's code for Greece). */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR' }

/** The 27 EU member states. */
export const EU_MEMBERS: ReadonlySet<string> = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '),
)

/**
 * Where the GDPR applies beyond the EU members' own codes: the EEA's non-EU members (Iceland, Liechtenstein,
 * Norway) and parts of the EU that ISO codes separately (Åland; the outermost regions French Guiana,
 * Guadeloupe, Martinique, Réunion, Mayotte and Saint Martin).
 */
export const EEA_EXTRA: ReadonlySet<string> = new Set('IS LI NO AX GF GP MQ RE YT MF'.split(' '))

/** US territories with their own ISO country codes; US law (CAN-SPAM) applies there. */
export const US_TERRITORIES: ReadonlySet<string> = new Set('AS GU MP PR UM VI'.split(' '))

/**
 * ISO 3166-2 subdivisions by country: `code:Name|Other name`, the code being the part after `XX-`. Names are
 * the ones BigCommerce lists and their common English or local forms; matching ignores case, accents and
 * punctuation, and the bare code ("CA", "QC") matches too.
 */
export const SUBDIVISIONS: Readonly<Record<string, string>> = {
  US: [
    'AL:Alabama', 'AK:Alaska', 'AZ:Arizona', 'AR:Arkansas', 'CA:California', 'CO:Colorado', 'CT:Connecticut',
    'DE:Delaware', 'DC:District of Columbia|Washington DC', 'FL:Florida', 'GA:Georgia', 'HI:Hawaii', 'ID:Idaho',
    'IL:Illinois', 'IN:Indiana', 'IA:Iowa', 'KS:Kansas', 'KY:Kentucky', 'LA:Louisiana', 'ME:Maine', 'MD:Maryland',
    'MA:Massachusetts', 'MI:Michigan', 'MN:Minnesota', 'MS:Mississippi', 'MO:Missouri', 'MT:Montana', 'NE:Nebraska',
    'NV:Nevada', 'NH:New Hampshire', 'NJ:New Jersey', 'NM:New Mexico', 'NY:New York', 'NC:North Carolina',
    'ND:North Dakota', 'OH:Ohio', 'OK:Oklahoma', 'OR:Oregon', 'PA:Pennsylvania', 'RI:Rhode Island',
    'SC:South Carolina', 'SD:South Dakota', 'TN:Tennessee', 'TX:Texas', 'UT:Utah', 'VT:Vermont', 'VA:Virginia',
    'WA:Washington', 'WV:West Virginia', 'WI:Wisconsin', 'WY:Wyoming', 'AS:American Samoa', 'GU:Guam',
    'MP:Northern Mariana Islands', 'PR:Puerto Rico', 'UM:United States Minor Outlying Islands',
    'VI:Virgin Islands|US Virgin Islands|Virgin Islands, U.S.',
  ].join(';'),
  CA: [
    'AB:Alberta', 'BC:British Columbia', 'MB:Manitoba', 'NB:New Brunswick', 'NL:Newfoundland and Labrador|Newfoundland',
    'NS:Nova Scotia', 'NT:Northwest Territories', 'NU:Nunavut', 'ON:Ontario', 'PE:Prince Edward Island',
    'QC:Quebec', 'SK:Saskatchewan', 'YT:Yukon|Yukon Territory',
  ].join(';'),
  AU: [
    'ACT:Australian Capital Territory', 'NSW:New South Wales', 'NT:Northern Territory', 'QLD:Queensland',
    'SA:South Australia', 'TAS:Tasmania', 'VIC:Victoria', 'WA:Western Australia',
  ].join(';'),
  DE: [
    'BW:Baden-Württemberg|Baden-Wuerttemberg', 'BY:Bayern|Bavaria', 'BE:Berlin', 'BB:Brandenburg', 'HB:Bremen', 'HH:Hamburg',
    'HE:Hessen|Hesse', 'MV:Mecklenburg-Vorpommern|Mecklenburg-Western Pomerania', 'NI:Niedersachsen|Lower Saxony',
    'NW:Nordrhein-Westfalen|North Rhine-Westphalia', 'RP:Rheinland-Pfalz|Rhineland-Palatinate', 'SL:Saarland',
    'SN:Sachsen|Saxony', 'ST:Sachsen-Anhalt|Saxony-Anhalt', 'SH:Schleswig-Holstein', 'TH:Thüringen|Thueringen|Thuringia',
  ].join(';'),
}
