import type { PageContext } from '../../platform/ui/context.ts';
import { Layout } from '../../platform/ui/layout.tsx';

export type EasyReadSection = { heading: string; sentences: string[] };
export type EasyReadContent = { title: string; sections: EasyReadSection[] };

/** Leichte Sprache: each sentence on its own line, large type (BITV 2.0 Anlage 2 Teil 2). */
export function EasyReadPage({ ctx, content }: { ctx: PageContext; content: EasyReadContent }) {
  return (
    <Layout ctx={ctx} title={content.title}>
      <div class="easy-read">
        <h1>{content.title}</h1>
        {content.sections.map((section) => (
          <section key={section.heading}>
            <h2>{section.heading}</h2>
            {section.sentences.map((sentence) => (
              <p key={sentence}>{sentence}</p>
            ))}
          </section>
        ))}
      </div>
    </Layout>
  );
}
