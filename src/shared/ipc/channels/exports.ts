// Channels of the exports feature are declared here (filled in by that feature's work).
export const exportsChannels = {} as const;
