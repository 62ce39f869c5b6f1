import type { Child } from 'hono/jsx'
import { ASSETS_VERSION } from './dashboard-assets'

/**
 * The page frame shared by the dashboard and the docs pages: its stylesheet (and, on pages with forms that ask
 * first, its script) are files of this worker.
 */
export function Page(props: { title: string; nav?: Child; script?: boolean; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={`/assets/dashboard.css?v=${ASSETS_VERSION}`} />
        {props.script && <script src={`/assets/dashboard.js?v=${ASSETS_VERSION}`} defer />}
      </head>
      <body>
        <header>
          <h1>{props.title}</h1>
          <nav>{props.nav}</nav>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  )
}
