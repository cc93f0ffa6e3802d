// Channels of the imports feature are declared here (filled in by that feature's work).
export const importsChannels = {} as const;
