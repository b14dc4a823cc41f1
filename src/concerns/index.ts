// What other features may use of concerns: the service and the parts other pages embed.
export * from './service.ts';
export { ConcernList } from './views/concern-list.tsx';
export { SearchForm } from './views/search-form.tsx';
