/**
 * @module domain/citizen/codes
 * Names the citizen services share: the software named in the access log when the server acts for the
 * citizen (lookups of Tasks, sibling fees, writes of their settings).
 */
export const CITIZEN_SOFTWARE = 'lots-citizen';
