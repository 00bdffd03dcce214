import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Customer, FormField, Page } from '../api/types';

/** Customers by name, first name, e-mail, phone or external id (all of them, by name, without a search). */
export function useCustomers(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['customers', 'list', text],
    queryFn: () => api<Page<Customer>>(`/customers?limit=100${text ? `&q=${encodeURIComponent(text)}` : ''}`),
    placeholderData: keepPreviousData,
  });
}

export function useCustomerFields() {
  return useQuery({ queryKey: ['customerFields'], queryFn: () => api<{ fields: FormField[] }>('/customer-fields'), select: (d) => d.fields, staleTime: 60_000 });
}

export type ProfileInput = Partial<Omit<Customer, 'id'>>;

/** Creates (id null) or changes a profile; the lists and the card re-read it. */
export function useSaveCustomer(id: string | null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileInput) => (id ? api<Customer>(`/customers/${encodeURIComponent(id)}`, { method: 'PATCH', body }) : api<Customer>('/customers', { method: 'POST', body })),
    onSuccess: (c) => {
      qc.setQueryData(['customer', c.id], c);
      void qc.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}
