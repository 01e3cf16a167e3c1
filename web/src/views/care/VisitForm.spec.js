import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';

import { ApiError } from '@/api/client';

import locale from './locale';
import VisitForm from './VisitForm.vue';

vi.mock('@/api/care', () => ({ uploadAttachment: vi.fn(), addVisit: vi.fn() }));
const care = await import('@/api/care');

const i18n = () => createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': locale['zh-CN'] } });
const mountForm = () => mount(VisitForm, { props: { code: 'H1', today: '2026-06-30' }, global: { plugins: [i18n()] } });
const choose = async (wrapper, ...files) => {
  const input = wrapper.find('[data-test=photo-input]');
  Object.defineProperty(input.element, 'files', { value: files, configurable: true });
  await input.trigger('change');
};

describe('the visit form', () => {
  beforeEach(() => vi.resetAllMocks());

  it('takes photos from the camera: accept image/*, capture environment', () => {
    const input = mountForm().find('[data-test=photo-input]');
    expect(input.attributes('accept')).toBe('image/*');
    expect(input.attributes('capture')).toBe('environment');
  });

  it('shows the upload\'s progress, then sends the visit with the uploaded ids', async () => {
    let report;
    let finish;
    care.uploadAttachment.mockImplementation((file, onProgress) => { report = onProgress; return new Promise((r) => { finish = r; }); });
    care.addVisit.mockResolvedValue({ id: 9 });
    const wrapper = mountForm();
    await choose(wrapper, new File(['x'], '门前.jpg', { type: 'image/jpeg' }));
    report(0.4);
    await flushPromises();
    expect(wrapper.find('[data-test=photo-uploading]').text()).toContain('40%');
    expect(wrapper.find('[data-test=visit-submit]').attributes('disabled')).toBeDefined();
    finish({ id: 41 });
    await flushPromises();
    expect(wrapper.find('[data-test=photo-done]').exists()).toBe(true);
    await wrapper.find('[data-test=visit-findings] textarea, textarea[data-test=visit-findings]').setValue('房屋安全');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(care.addVisit).toHaveBeenCalledWith('H1', { date: '2026-06-30', findings: '房屋安全', attachments: [41] });
    expect(wrapper.emitted('saved')[0][0]).toEqual({ id: 9 });
  });

  it('shows the API\'s own message for a refused file and sends nothing for it', async () => {
    care.uploadAttachment.mockRejectedValue(new ApiError(415, 'E_ATTACHMENT_TYPE', '附件只能是 JPEG、PNG 图片或 PDF 文件'));
    care.addVisit.mockResolvedValue({ id: 10 });
    const wrapper = mountForm();
    await choose(wrapper, new File(['x'], 'a.txt'));
    await flushPromises();
    expect(wrapper.find('[data-test=photo-error]').text()).toContain('附件只能是 JPEG、PNG 图片或 PDF 文件');
    await wrapper.find('textarea').setValue('家中均好');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(care.addVisit.mock.calls[0][1].attachments).toEqual([]);
  });

  it('asks for the findings before sending', async () => {
    const wrapper = mountForm();
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-test=visit-error]').text()).toContain('请填写走访情况');
    expect(care.addVisit).not.toHaveBeenCalled();
  });
});
