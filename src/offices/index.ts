// What other features may use of offices: the service and the parts other pages embed.
export * from './service.ts';
export { Address, OfficeName } from './views/office-parts.tsx';
