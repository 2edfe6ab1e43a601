import { describe, expect, it } from 'vitest';
import { operatorLocale, systemLanguages } from '../../main/locale.ts';

describe('one language for main, the CLI and the page', () => {
  it('takes the system language from the environment, a C locale saying nothing', () => {
    expect(systemLanguages({ LANG: 'ru_RU.UTF-8' }, 'en-US')).toEqual(['ru_RU.UTF-8', 'en-US']);
    expect(systemLanguages({ LANGUAGE: 'ru:en', LANG: 'C.UTF-8' }, 'en-US')).toEqual(['ru', 'en', 'en-US']);
    expect(systemLanguages({ LC_ALL: 'C', LANG: 'C.UTF-8' }, 'ru-RU')).toEqual(['ru-RU']);
  });
  it('speaks the saved language, else the system one', () => {
    expect(operatorLocale(null, systemLanguages({ LANG: 'ru_RU.UTF-8' }, 'en-US'))).toBe('ru');
    expect(operatorLocale('en', ['ru-RU'])).toBe('en');
    expect(operatorLocale(null, systemLanguages({ LANG: 'C.UTF-8' }, 'en-US'))).toBe('en');
  });
});
