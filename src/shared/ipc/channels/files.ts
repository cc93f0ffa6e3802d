// Channels of the files feature are declared here (filled in by that feature's work).
export const filesChannels = {} as const;
