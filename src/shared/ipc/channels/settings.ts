// Channels of the settings feature are declared here (filled in by that feature's work).
export const settingsChannels = {} as const;
