export { default } from '@/components/i18n/client-translations';
