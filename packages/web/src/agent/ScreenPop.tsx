import { Anchor, Group, Paper, Text, Title } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';

/** The address when it is an http(s) web page, else null. */
export function webAddress(url: string): string | null {
  try {
    const u = new URL(url); // absolute only
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * The source system's page for the task: embedded when the worktype says `screenPop: frame`,
 * otherwise (and always as a fallback, since some sites refuse to be framed) a new-tab link.
 */
export function ScreenPop({ url: given, mode }: { url: string; mode: 'frame' | 'tab' | undefined }) {
  const url = webAddress(given);
  if (!url) {
    // A `javascript:`, `data:` or `file:` address from a source system is neither followed nor embedded.
    return (
      <Text size="sm" c="dimmed">
        Source system link not shown (not an http or https address): {given}
      </Text>
    );
  }
  const link = (
    <Anchor href={url} target="_blank" rel="noopener noreferrer" size="sm" display="inline-flex">
      <Group gap={4} component="span">
        Open in source system <IconExternalLink size={14} aria-hidden />
      </Group>
    </Anchor>
  );
  if (mode !== 'frame') return link;
  return (
    <Paper withBorder p="xs" component="section" aria-labelledby="screen-pop-title">
      <Group justify="space-between" mb={6}>
        <Title order={3} size="h5" id="screen-pop-title">
          Source system
        </Title>
        {link}
      </Group>
      <iframe
        src={url}
        title="Source system page"
        style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}
        // Another origin's page: it may run, but never navigate the workspace away.
        sandbox="allow-scripts allow-forms allow-popups allow-same-origin"
        referrerPolicy="no-referrer"
        loading="lazy"
      />
      <Text size="xs" c="dimmed" mt={4}>
        If the page stays blank, the source system does not allow embedding: use the link.
      </Text>
    </Paper>
  );
}
