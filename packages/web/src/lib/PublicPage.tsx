import type { ReactNode } from 'react';
import { Box, Center, Container, Group, Text, Title } from '@mantine/core';

/** The frame of a page for the public (chat, callback): no staff shell, narrow, grey, "Powered by". */
export function PublicPage({ children }: { children: ReactNode }) {
  return (
    <Box bg="gray.0" mih="100vh" py="xl">
      <Container size="sm">
        {children}
        <Center mt="lg">
          <Text size="xs" c="dimmed">
            Powered by Worklane
          </Text>
        </Center>
      </Container>
    </Box>
  );
}

/** A public page's heading: an icon, the title, and a line on what happens here. */
export function PublicHeading({ icon, title, lead }: { icon: ReactNode; title: string; lead: string }) {
  return (
    <>
      <Group gap="xs" mb={4}>
        {icon}
        <Title order={1} size="h2">
          {title}
        </Title>
      </Group>
      <Text c="dimmed" mb="md">
        {lead}
      </Text>
    </>
  );
}
