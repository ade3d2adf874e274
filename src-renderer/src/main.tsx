// Renderer entry: picks the host's ApiClient and mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './common/api';
import { ApiContext } from './common/api/api-context';
import { AppShell } from './app/AppShell';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={createApiClient()}>
      <AppShell />
    </ApiContext.Provider>
  </StrictMode>,
);
