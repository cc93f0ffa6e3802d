import { contextBridge } from 'electron';
import { createClient } from '../shared/ipc/client';
import { ipcRendererTransport } from './ipc-transport';

// The only thing the page gets: one function per contract channel, plus `on` for push events.
contextBridge.exposeInMainWorld('api', createClient(ipcRendererTransport));
