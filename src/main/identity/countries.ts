/**
 * Name → code tables of Meta's capi-param-builder (facebook/capi-param-builder@b0b6f0b, nodejs/capi-param-builder/src/piiUtil/stringUtil.js:
 * CA_PROVINCES, US_STATES, COUNTRY_MAPPINGS), kept in the reference's order because its substring search returns the first
 * key contained in the input. Stored as 'key:code' words to keep the file short.
 */
const table = (words: string): ReadonlyArray<readonly [string, string]> =>
  words.split(' ').map((word) => {
    const [name, code] = word.split(':');
    return [name!, code!] as const;
  });

/** Provinces first, then states: the reference spreads CA_PROVINCES before US_STATES. */
export const STATE_NAMES = table(
    'ontario:on quebec:qc britishcolumbia:bc alberta:ab saskatchewan:sk manitoba:mb novascotia:ns newbrunswick:nb princeedwardisland:pe newfoundlandandlabrador:nl ' +
    'yukon:yt northwestterritories:nt nunavut:nu alabama:al alaska:ak arizona:az arkansas:ar california:ca colorado:co connecticut:ct ' +
    'delaware:de florida:fl georgia:ga hawaii:hi idaho:id illinois:il indiana:in iowa:ia kansas:ks kentucky:ky ' +
    'louisiana:la maine:me maryland:md massachusetts:ma michigan:mi minnesota:mn mississippi:ms missouri:mo montana:mt nebraska:ne ' +
    'nevada:nv newhampshire:nh newjersey:nj newmexico:nm newyork:ny northcarolina:nc northdakota:nd ohio:oh oklahoma:ok oregon:or ' +
    'pennsylvania:pa rhodeisland:ri southcarolina:sc southdakota:sd tennessee:tn texas:tx utah:ut vermont:vt virginia:va washington:wa ' +
    'westvirginia:wv wisconsin:wi wyoming:wy',
);

export const COUNTRY_NAMES = table(
    'unitedstates:us usa:us ind:in afghanistan:af alandislands:ax albania:al algeria:dz americansamoa:as andorra:ad angola:ao ' +
    'anguilla:ai antarctica:aq antiguaandbarbuda:ag argentina:ar armenia:am aruba:aw australia:au austria:at azerbaijan:az bahamas:bs ' +
    'bahrain:bh bangladesh:bd barbados:bb belarus:by belgium:be belize:bz benin:bj bermuda:bm bhutan:bt boliviaplurinationalstateof:bo ' +
    'bolivia:bo bonairesinteustatinsandsaba:bq bosniaandherzegovina:ba botswana:bw bouvetisland:bv brazil:br britishindianoceanterritory:io bruneidarussalam:bn brunei:bn bulgaria:bg ' +
    'burkinafaso:bf burundi:bi cambodia:kh cameroon:cm canada:ca capeverde:cv caymanislands:ky centralafricanrepublic:cf chad:td chile:cl ' +
    'china:cn christmasisland:cx cocoskeelingislands:cc colombia:co comoros:km congo:cg congothedemocraticrepublicofthe:cd democraticrepublicofthecongo:cd cookislands:ck costarica:cr ' +
    'cotedivoire:ci ivorycoast:ci croatia:hr cuba:cu curacao:cw cyprus:cy czechrepublic:cz denmark:dk djibouti:dj dominica:dm ' +
    'dominicanrepublic:do ecuador:ec egypt:eg elsalvador:sv equatorialguinea:gq eritrea:er estonia:ee ethiopia:et falklandislandsmalvinas:fk faroeislands:fo ' +
    'fiji:fj finland:fi france:fr frenchguiana:gf frenchpolynesia:pf frenchsouthernterritories:tf gabon:ga gambia:gm georgia:ge germany:de ' +
    'ghana:gh gibraltar:gi greece:gr greenland:gl grenada:gd guadeloupe:gp guam:gu guatemala:gt guernsey:gg guinea:gn ' +
    'guineabissau:gw guyana:gy haiti:ht heardislandandmcdonaldislands:hm holyseevaticancitystate:va vatican:va honduras:hn hongkong:hk hungary:hu iceland:is ' +
    'india:in indonesia:id iranislamicrepublicof:ir iran:ir iraq:iq ireland:ie isleofman:im israel:il italy:it jamaica:jm ' +
    'japan:jp jersey:je jordan:jo kazakhstan:kz kenya:ke kiribati:ki koreademocraticpeoplesrepublicof:kp northkorea:kp korearepublicof:kr southkorea:kr ' +
    'kuwait:kw kyrgyzstan:kg laopeoplesdemocraticrepublic:la laos:la latvia:lv lebanon:lb lesotho:ls liberia:lr libya:ly liechtenstein:li ' +
    'lithuania:lt luxembourg:lu macao:mo macedoniatheformeryugoslavrepublicof:mk macedonia:mk madagascar:mg malawi:mw malaysia:my maldives:mv mali:ml ' +
    'malta:mt marshallislands:mh martinique:mq mauritania:mr mauritius:mu mayotte:yt mexico:mx micronesiafederatedstatesof:fm micronesia:fm moldovarepublicof:md ' +
    'moldova:md monaco:mc mongolia:mn montenegro:me montserrat:ms morocco:ma mozambique:mz myanmar:mm namibia:na nauru:nr ' +
    'nepal:np netherlands:nl newcaledonia:nc newzealand:nz nicaragua:ni niger:ne nigeria:ng niue:nu norfolkisland:nf northernmarianaislands:mp ' +
    'norway:no oman:om pakistan:pk palau:pw palestinestateof:ps palestine:ps panama:pa papuanewguinea:pg paraguay:py peru:pe ' +
    'philippines:ph pitcairn:pn poland:pl portugal:pt puertorico:pr qatar:qa reunion:re romania:ro russianfederation:ru russia:ru ' +
    'rwanda:rw saintbarthelemy:bl sainthelenaascensionandtristandacunha:sh saintkittsandnevis:kn saintlucia:lc saintmartinfrenchpart:mf saintpierreandmiquelon:pm saintvincentandthegrenadines:vc samoa:ws sanmarino:sm ' +
    'saotomeandprincipe:st saudiarabia:sa senegal:sn serbia:rs seychelles:sc sierraleone:sl singapore:sg sintmaartenductchpart:sx slovakia:sk slovenia:si ' +
    'solomonislands:sb somalia:so southafrica:za southgeorgiaandthesouthsandwichislands:gs southsudan:ss spain:es srilanka:lk sudan:sd suriname:sr svalbardandjanmayen:sj ' +
    'eswatini:sz swaziland:sz sweden:se switzerland:ch syrianarabrepublic:sy syria:sy taiwanprovinceofchina:tw taiwan:tw tajikistan:tj tanzaniaunitedrepublicof:tz ' +
    'tanzania:tz thailand:th timorleste:tl easttimor:tl togo:tg tokelau:tk tonga:to trinidadandtobago:tt tunisia:tn turkey:tr ' +
    'turkmenistan:tm turksandcaicosislands:tc tuvalu:tv uganda:ug ukraine:ua unitedarabemirates:ae unitedkingdom:gb unitedstatesofamerica:us unitedstatesminoroutlyingislands:um uruguay:uy ' +
    'uzbekistan:uz vanuatu:vu venezuelabolivarianrepublicof:ve venezuela:ve vietnam:vn virginislandsbritish:vg virginislandsus:vi wallisandfutuna:wf westernsahara:eh yemen:ye ' +
    'zambia:zm zimbabwe:zw',
);

/**
 * ISO 3166-1 alpha-2 (249 officially assigned codes). A country or region value outside this list is refused rather than
 * hashed or sent: neither platform can match it.
 */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN ' +
    'CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN ' +
    'HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM ' +
    'MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC ' +
    'SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);
