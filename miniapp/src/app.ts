import { type PropsWithChildren } from 'react';
import './app.scss';

function App({ children }: PropsWithChildren) {
  // Pages log in on demand (see src/api), so the app shell itself has no start-up work.
  return children;
}

export default App;
