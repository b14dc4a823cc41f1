import { Text } from '../../platform/ui/components.tsx';
import { href, type PageContext } from '../../platform/ui/context.ts';
import type { Concern } from '../service.ts';

export function ConcernList({
  ctx,
  concerns,
  headingLevel = 2,
  withSummary = true,
}: {
  ctx: PageContext;
  concerns: Concern[];
  headingLevel?: 2 | 3;
  withSummary?: boolean;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul class="cards">
      {concerns.map((concern) => (
        <li key={concern.id} class="card">
          <Heading>
            <a href={href(ctx, `/concerns/${concern.id}`)}>
              <Text ctx={ctx} value={concern.texts.title} />
            </a>
          </Heading>
          {withSummary && <Text ctx={ctx} value={concern.texts.summary} as="p" />}
        </li>
      ))}
    </ul>
  );
}
