export * from './receiver.ts';
export * from './push-service.ts';
