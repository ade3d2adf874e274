// The subset of Electron's API this project uses. electron is an optional dependency that cannot
// be installed offline, so typechecking must not depend on its bundled .d.ts; this ambient
// declaration is used on every machine, with or without the package.
declare module 'electron' {
  interface WebContents {
    id: number;
    send(channel: string, ...args: unknown[]): void;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
    on(
      event: 'will-navigate',
      listener: (e: { preventDefault(): void }, url: string) => void,
    ): void;
    isDestroyed(): boolean;
  }
  interface WebFrameMain {
    url: string;
  }
  export interface IpcMainInvokeEvent {
    sender: WebContents;
    senderFrame: WebFrameMain | null;
  }
  export interface IpcRendererEvent {
    sender: unknown;
  }
  export class BrowserWindow {
    constructor(options: {
      width?: number;
      height?: number;
      minWidth?: number;
      minHeight?: number;
      show?: boolean;
      title?: string;
      backgroundColor?: string;
      webPreferences?: {
        preload?: string;
        contextIsolation?: boolean;
        sandbox?: boolean;
        nodeIntegration?: boolean;
        webSecurity?: boolean;
      };
    });
    webContents: WebContents;
    loadURL(url: string): Promise<void>;
    loadFile(path: string): Promise<void>;
    once(event: 'ready-to-show', listener: () => void): void;
    show(): void;
    static getAllWindows(): BrowserWindow[];
  }
  export const app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): void;
    quit(): void;
    exit(exitCode?: number): void;
    getPath(name: 'userData' | 'home' | 'documents'): string;
    getVersion(): string;
    isPackaged: boolean;
  };
  export const ipcMain: {
    handle(
      channel: string,
      listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown,
    ): void;
    removeHandler(channel: string): void;
  };
  export const protocol: {
    registerSchemesAsPrivileged(
      schemes: { scheme: string; privileges: Record<string, boolean> }[],
    ): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  export const net: {
    fetch(
      input: string,
      init?: RequestInit & { bypassCustomProtocolHandlers?: boolean },
    ): Promise<Response>;
  };
  export const session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived(
          listener: (
            details: { responseHeaders?: Record<string, string[]> },
            callback: (response: { responseHeaders: Record<string, string[]> }) => void,
          ) => void,
        ): void;
      };
      setPermissionRequestHandler(
        handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
      ): void;
    };
  };
  export const dialog: {
    showOpenDialog(options: {
      title?: string;
      properties: ('openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory')[];
      filters?: { name: string; extensions: string[] }[];
    }): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  export const contextBridge: {
    exposeInMainWorld(key: string, api: unknown): void;
  };
  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<never>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
    removeListener(
      channel: string,
      listener: (event: IpcRendererEvent, ...args: unknown[]) => void,
    ): void;
  };
  export const webUtils: {
    getPathForFile(file: File): string;
  };
}
