export { decideSend, decideRead, decideAcknowledge } from './message.decider';
export type { MessageCommand } from './message.decider';
export { MessageBook } from './message-book';
export type { MessageRecord, ThreadRecord, InboxQuery, ThreadQuery } from './message-book';
export { SearchIndex, MAX_INDEXED_CHARS } from './search-index';
export type { SearchDocument } from './search-index';
