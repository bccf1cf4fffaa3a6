/** The playground's browser app: mounts the page. Built by `npm run build` into dist/playground. */
import { render } from 'preact';
import { App } from './app.tsx';
import './styles/app.css';

render(<App />, document.getElementById('app')!);
