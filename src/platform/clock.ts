/** The current time; injected so that tests can set it (release times, daylight saving). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
