import { useState } from 'react';
import type { FormEvent } from 'react';
import { Alert, Button, Center, Divider, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../api/client';
import type { User } from '../api/types';
import { canOpen, homePathFor, signIn, useMe } from './session';
import { ssoErrorMessage, ssoStartUrl, useProviders } from './sso';

/** The in-app path the user was sent away from, if it is a safe one. */
function fromPath(state: unknown): string | null {
  if (typeof state !== 'object' || state === null) return null;
  const from = (state as { from?: unknown }).from;
  if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//') || from.startsWith('/login')) return null;
  return from === '/' ? null : from;
}

/** The page the user was sent away from, if they may open it. */
function safeFrom(state: unknown, user: User): string | null {
  const from = fromPath(state);
  return from && canOpen(user, from) ? from : null;
}

export function LoginPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const providers = useProviders();
  const sso = providers.data?.sso ?? null;
  const ssoError = ssoErrorMessage(location.search);

  if (me.data && !submitting) {
    return <Navigate to={safeFrom(location.state, me.data.user) ?? homePathFor(me.data.user)} replace />;
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setError(null);
    setSubmitting(true);
    try {
      const user = await signIn(queryClient, email.trim(), password);
      navigate(safeFrom(location.state, user) ?? homePathFor(user), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={380} component="main">
        <form onSubmit={(e) => void onSubmit(e)} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">
                Worklane
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to your workspace
              </Text>
            </div>
            {(error ?? ssoError) && (
              <Alert color="red" role="alert" title="Sign-in failed">
                {error ?? ssoError}
              </Alert>
            )}
            {sso && (
              <>
                <Button component="a" href={ssoStartUrl(sso.start, fromPath(location.state))} variant="default" fullWidth>
                  Sign in with {sso.label}
                </Button>
                <Divider label="or with your password" labelPosition="center" />
              </>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              autoFocus={!sso}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <TextInput
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={submitting} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
